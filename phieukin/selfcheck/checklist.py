"""Read and write a Directive 24-CT/TU checklist (YAML or XLSX); pure, no Django.

A checklist is data: its groups, its items and how many there are come from the file
(the official appendix has been reported with 21 items and with 25), never from code.
Each item says whether its wording was checked against the official text
(``verified: true``); an item without that flag is a draft and every output marks it.

Errors are :class:`ChecklistFileError` with a stable ``code``, the parameters of the
message and the line (YAML) or row (XLSX) of the problem; the Django layer turns the
code into a Vietnamese sentence (:mod:`phieukin.selfcheck.texts`).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

LINE = "__line__"
MAX_ITEMS = 500


class ChecklistFileError(ValueError):
    """A checklist file is malformed: ``code`` names the problem, ``line`` where it is."""

    def __init__(self, code: str, line: int | None = None, **params: Any) -> None:
        self.code = code
        self.line = line
        self.params = params
        super().__init__(f"{code} (line {line}): {params}" if line else f"{code}: {params}")


@dataclass(frozen=True)
class GroupSpec:
    key: str
    order: int
    title: str
    verified: bool


@dataclass(frozen=True)
class ItemSpec:
    key: str
    group: str
    order: int
    text: str
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class ChecklistSpec:
    """A parsed checklist: what the organiser imports as one version."""

    code: str
    version: int
    title: str
    document: str
    groups: tuple[GroupSpec, ...]
    items: tuple[ItemSpec, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def drafts(self) -> int:
        return sum(1 for i in self.items if not i.verified)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        str(k): v for k, v in loader.construct_mapping(node, deep=True).items()
    }
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def _text(node: dict[str, Any], key: str, line: int | None, *, required: bool = True) -> str:
    value = node.get(key)
    if value is None or _nfc(value) == "":
        if required:
            raise ChecklistFileError("missing_field", line, field=key)
        return ""
    if isinstance(value, dict | list):
        raise ChecklistFileError("not_text", line, field=key)
    return _nfc(value)


def _int(value: Any, key: str, line: int | None, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ChecklistFileError("not_whole_number", line, field=key, value=value)
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ChecklistFileError("not_whole_number", line, field=key, value=value) from exc
    if number < 1:
        raise ChecklistFileError("not_whole_number", line, field=key, value=value)
    return number


def _flag(value: Any, key: str, line: int | None) -> bool:
    """Read a yes/no flag; a missing flag is False, so an unmarked item is a draft."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1", "x", "có", "co", "đã", "da"}:
        return True
    if text in {"false", "no", "0", "không", "khong", "chưa", "chua"}:
        return False
    raise ChecklistFileError("not_flag", line, field=key, value=value)


def _build(
    *,
    head: dict[str, Any],
    head_line: int | None,
    groups: list[tuple[dict[str, Any], int | None]],
    items: list[tuple[dict[str, Any], int | None]],
) -> ChecklistSpec:
    code = _text(head, "code", head_line)
    version = _int(head.get("version"), "version", head_line, 1)
    title = _text(head, "title", head_line, required=False)
    document = _text(head, "document", head_line, required=False)
    group_specs: list[GroupSpec] = []
    seen: set[str] = set()
    for index, (node, line) in enumerate(groups, start=1):
        key = _text(node, "id", line)
        if key in seen:
            raise ChecklistFileError("duplicate_group", line, key=key)
        seen.add(key)
        verified = _flag(node.get("title_verified", node.get("verified")), "verified", line)
        group_specs.append(
            GroupSpec(
                key=key,
                order=_int(node.get("order"), "order", line, index),
                title=_text(node, "title", line),
                verified=verified,
            )
        )
    if not items:
        raise ChecklistFileError("no_items", head_line)
    if len(items) > MAX_ITEMS:
        raise ChecklistFileError("too_many_items", head_line, limit=MAX_ITEMS)
    group_keys = {g.key for g in group_specs}
    item_specs: list[ItemSpec] = []
    keys: set[str] = set()
    orders: set[int] = set()
    for index, (node, line) in enumerate(items, start=1):
        key = _text(node, "id", line)
        if key in keys:
            raise ChecklistFileError("duplicate_item", line, key=key)
        keys.add(key)
        group = _text(node, "group", line, required=bool(group_specs))
        if group_specs and group not in group_keys:
            raise ChecklistFileError("unknown_group", line, item=key, group=group)
        order = _int(node.get("order"), "order", line, index)
        if order in orders:
            raise ChecklistFileError("duplicate_order", line, order=order)
        orders.add(order)
        item_specs.append(
            ItemSpec(
                key=key,
                group=group,
                order=order,
                text=_text(node, "text", line),
                verified=_flag(node.get("verified"), "verified", line),
                note=_text(node, "note", line, required=False),
            )
        )
    return ChecklistSpec(
        code=code,
        version=version,
        title=title,
        document=document,
        groups=tuple(sorted(group_specs, key=lambda g: g.order)),
        items=tuple(sorted(item_specs, key=lambda i: i.order)),
    )


def parse_yaml(text: str) -> ChecklistSpec:
    """Parse a checklist in the YAML format of ``phieukin/data/chi-thi-24-bieu-hien.yaml``."""
    try:
        root = yaml.load(text, Loader=_LineLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ChecklistFileError(
            "bad_yaml", mark.line + 1 if mark else None, problem=str(exc.problem)
        ) from exc
    except yaml.YAMLError as exc:
        raise ChecklistFileError("bad_yaml", None, problem="") from exc
    if not isinstance(root, dict):
        raise ChecklistFileError("not_mapping", 1)
    line = root.get(LINE)
    source = root.get("source")
    head = dict(root)
    if isinstance(source, dict):
        head.setdefault("document", source.get("document"))
        head.setdefault("title", source.get("title"))

    def nodes(key: str, required: bool) -> list[tuple[dict[str, Any], int | None]]:
        raw = root.get(key)
        if raw is None:
            if required:
                raise ChecklistFileError("missing_field", line, field=key)
            return []
        if not isinstance(raw, list):
            raise ChecklistFileError("not_list", line, field=key)
        out = []
        for entry in raw:
            if not isinstance(entry, dict):
                raise ChecklistFileError("not_mapping_entry", line, field=key)
            out.append((entry, entry.get(LINE)))
        return out

    return _build(
        head=head, head_line=line, groups=nodes("groups", False), items=nodes("items", True)
    )


SHEET_HEAD = "checklist"
SHEET_GROUPS = "groups"
SHEET_ITEMS = "items"
GROUP_COLUMNS = ("id", "order", "title", "verified")
ITEM_COLUMNS = ("id", "group", "order", "verified", "text", "note")


def parse_xlsx(data: bytes) -> ChecklistSpec:
    """Parse a checklist workbook: sheets ``checklist`` (key, value), ``groups``, ``items``.

    The first row of ``groups`` and ``items`` names the columns; errors give the row.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ChecklistFileError("bad_xlsx", None) from exc
    names = {name.strip().lower(): name for name in workbook.sheetnames}
    for required in (SHEET_HEAD, SHEET_ITEMS):
        if required not in names:
            raise ChecklistFileError("missing_sheet", None, sheet=required)
    head: dict[str, Any] = {}
    for row in workbook[names[SHEET_HEAD]].iter_rows(values_only=True):
        if row and row[0] is not None and len(row) > 1:
            head[str(row[0]).strip().lower()] = row[1]

    def table(sheet: str) -> list[tuple[dict[str, Any], int | None]]:
        if sheet not in names:
            return []
        rows = list(workbook[names[sheet]].iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
        out: list[tuple[dict[str, Any], int | None]] = []
        for number, row in enumerate(rows[1:], start=2):
            if all(c is None or str(c).strip() == "" for c in row):
                continue
            out.append(({header[i]: v for i, v in enumerate(row) if i < len(header)}, number))
        return out

    return _build(head=head, head_line=1, groups=table(SHEET_GROUPS), items=table(SHEET_ITEMS))


def parse(data: bytes, filename: str) -> ChecklistSpec:
    """Parse an uploaded checklist, YAML or XLSX by its name."""
    if filename.lower().endswith(".xlsx"):
        return parse_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChecklistFileError("not_utf8", None) from exc
    return parse_yaml(text)


def dump_xlsx(spec: ChecklistSpec) -> bytes:
    """Return *spec* as a workbook that :func:`parse_xlsx` reads back."""
    from openpyxl import Workbook

    workbook = Workbook()
    head = workbook.active
    assert head is not None
    head.title = SHEET_HEAD
    for key, value in (
        ("code", spec.code),
        ("version", spec.version),
        ("title", spec.title),
        ("document", spec.document),
    ):
        head.append([key, value])
    groups = workbook.create_sheet(SHEET_GROUPS)
    groups.append(list(GROUP_COLUMNS))
    for g in spec.groups:
        groups.append([g.key, g.order, g.title, g.verified])
    items = workbook.create_sheet(SHEET_ITEMS)
    items.append(list(ITEM_COLUMNS))
    for i in spec.items:
        items.append([i.key, i.group, i.order, i.verified, i.text, i.note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
