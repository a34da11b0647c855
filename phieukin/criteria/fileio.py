"""Read criteria sets from YAML or XLSX files (pure: no Django).

A criteria set (bộ tiêu chí chuyên nghiệp) is versioned data, imported like a
questionnaire. :func:`parse_yaml` and :func:`parse_xlsx` return a :class:`CriteriaSetSpec`
or raise :class:`CriteriaFileError` naming the line (YAML) or the sheet and row (XLSX) of
the problem. Messages are English msgids marked with :func:`gettext_noop`; the caller
translates them with :meth:`CriteriaFileError.render`.

YAML::

    code: tieu-chi-chuyen-nghiep
    version: 1
    title: Bộ tiêu chí chuyên nghiệp …
    description: …            # optional
    levels:                   # best first; a quarter's share of points picks the level
      - {key: xuat_sac, label: Hoàn thành xuất sắc nhiệm vụ, min_percent: 90}
      - {key: khong_dat, label: Không hoàn thành nhiệm vụ, min_percent: 0}
    groups:
      - key: I
        title: Tinh thần, thái độ phục vụ Nhân dân
        criteria:
          - {key: I.1, text: …, max_score: 10}

XLSX: a sheet ``set`` (rows ``field | value``: code, version, title, description), a
sheet ``levels`` (header ``key | label | min_percent``) and a sheet ``criteria`` (header
``group_key | group_title | key | text | max_score``). Sheets are found by these names or
by their Vietnamese names ``Bộ tiêu chí``, ``Mức xếp loại``, ``Tiêu chí``.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

LINE = "__line__"
MAX_SCORE_LIMIT = 100


def gettext_noop(message: str) -> str:
    """Mark *message* for translation without translating it (read by makemessages)."""
    return message


class CriteriaFileError(ValueError):
    """A criteria file is malformed at ``line`` (1-based) of ``sheet`` (XLSX) or the file."""

    def __init__(
        self,
        template: str,
        *,
        line: int | None = None,
        sheet: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        self.template = template
        self.line = line
        self.sheet = sheet
        self.params = dict(params or {})
        super().__init__(self.render(lambda message: message))

    def render(self, translate: Callable[[str], str]) -> str:
        """Return the message in the language of *translate*, with its place in the file."""
        message = translate(self.template) % self.params
        if self.line and self.sheet:
            where = translate(gettext_noop("sheet “%(sheet)s”, row %(line)s")) % {
                "sheet": self.sheet,
                "line": self.line,
            }
        elif self.line:
            where = translate(gettext_noop("line %(line)s")) % {"line": self.line}
        else:
            return message
        return f"{where}: {message}"


@dataclass(frozen=True)
class LevelSpec:
    key: str
    label: str
    min_percent: int


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    group_key: str
    group_title: str
    text: str
    max_score: int
    order: int


@dataclass(frozen=True)
class CriteriaSetSpec:
    code: str
    version: int
    title: str
    description: str
    levels: tuple[LevelSpec, ...]
    criteria: tuple[CriterionSpec, ...] = field(default_factory=tuple)

    @property
    def total_points(self) -> int:
        return sum(c.max_score for c in self.criteria)


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


# --- Shared checks ---------------------------------------------------------------------


def _required(value: Any, name: str, line: int | None, sheet: str = "") -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CriteriaFileError(
            gettext_noop("the field “%(field)s” is missing or empty"),
            line=line,
            sheet=sheet,
            params={"field": name},
        )
    if isinstance(value, dict | list):
        raise CriteriaFileError(
            gettext_noop("the field “%(field)s” must be text"),
            line=line,
            sheet=sheet,
            params={"field": name},
        )
    return _nfc(value)


def _whole(value: Any, name: str, line: int | None, sheet: str, *, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CriteriaFileError(
            gettext_noop("“%(field)s” must be a whole number from %(low)s to %(high)s"),
            line=line,
            sheet=sheet,
            params={"field": name, "low": low, "high": high},
        )
    return value


def _check(
    spec_fields: dict[str, Any],
    levels: Sequence[tuple[LevelSpec, int | None]],
    criteria: Sequence[tuple[CriterionSpec, int | None]],
    *,
    level_sheet: str = "",
    criteria_sheet: str = "",
    root_line: int | None = None,
) -> CriteriaSetSpec:
    if not levels:
        raise CriteriaFileError(
            gettext_noop("the set needs at least one level"), line=root_line, sheet=level_sheet
        )
    seen: set[str] = set()
    previous: int | None = None
    for level, line in levels:
        if level.key in seen:
            raise CriteriaFileError(
                gettext_noop("the level “%(key)s” appears twice"),
                line=line,
                sheet=level_sheet,
                params={"key": level.key},
            )
        seen.add(level.key)
        if previous is not None and level.min_percent >= previous:
            raise CriteriaFileError(
                gettext_noop("levels must be listed best first, each below the one before"),
                line=line,
                sheet=level_sheet,
            )
        previous = level.min_percent
    if levels[-1][0].min_percent != 0:
        raise CriteriaFileError(
            gettext_noop("the last level must start at 0 %% so that every result has a level"),
            line=levels[-1][1],
            sheet=level_sheet,
        )
    if not criteria:
        raise CriteriaFileError(
            gettext_noop("the set needs at least one criterion"),
            line=root_line,
            sheet=criteria_sheet,
        )
    keys: set[str] = set()
    groups: dict[str, str] = {}
    for criterion, line in criteria:
        if criterion.key in keys:
            raise CriteriaFileError(
                gettext_noop("the criterion “%(key)s” appears twice"),
                line=line,
                sheet=criteria_sheet,
                params={"key": criterion.key},
            )
        keys.add(criterion.key)
        known = groups.setdefault(criterion.group_key, criterion.group_title)
        if known != criterion.group_title:
            raise CriteriaFileError(
                gettext_noop("the group “%(key)s” has two different titles"),
                line=line,
                sheet=criteria_sheet,
                params={"key": criterion.group_key},
            )
    return CriteriaSetSpec(
        code=spec_fields["code"],
        version=spec_fields["version"],
        title=spec_fields["title"],
        description=spec_fields["description"],
        levels=tuple(level for level, _line in levels),
        criteria=tuple(criterion for criterion, _line in criteria),
    )


def _code(value: Any, line: int | None, sheet: str = "") -> str:
    code = _required(value, "code", line, sheet)
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in code):
        raise CriteriaFileError(
            gettext_noop("the code may hold only Latin letters, digits, “-”, “_” and “.”"),
            line=line,
            sheet=sheet,
        )
    return code


# --- YAML -------------------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        str(k): v for k, v in loader.construct_mapping(node, deep=True).items()
    }
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _mapping_list(node: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = node.get(name)
    if not isinstance(value, list) or not value:
        raise CriteriaFileError(
            gettext_noop("“%(field)s” must be a non-empty list"),
            line=node.get(LINE),
            params={"field": name},
        )
    for entry in value:
        if not isinstance(entry, dict):
            raise CriteriaFileError(
                gettext_noop("each entry of “%(field)s” must be a mapping (key: value)"),
                line=node.get(LINE),
                params={"field": name},
            )
    return value


def parse_yaml(text: str) -> CriteriaSetSpec:
    """Parse a criteria set written in YAML."""
    try:
        root = yaml.load(text, Loader=_LineLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise CriteriaFileError(
            gettext_noop("the file is not valid YAML (%(problem)s)"),
            line=mark.line + 1 if mark else None,
            params={"problem": exc.problem},
        ) from exc
    except yaml.YAMLError as exc:
        raise CriteriaFileError(gettext_noop("the file is not valid YAML")) from exc
    if not isinstance(root, dict):
        raise CriteriaFileError(
            gettext_noop("the file must be a mapping with a code, levels and groups"), line=1
        )
    line = root.get(LINE)
    fields = {
        "code": _code(root.get("code"), line),
        "version": _whole(root.get("version", 1), "version", line, "", low=1, high=9999),
        "title": _required(root.get("title"), "title", line),
        "description": _nfc(root.get("description") or ""),
    }
    levels = [
        (
            LevelSpec(
                key=_required(node.get("key"), "key", node.get(LINE)),
                label=_required(node.get("label"), "label", node.get(LINE)),
                min_percent=_whole(
                    node.get("min_percent"), "min_percent", node.get(LINE), "", low=0, high=100
                ),
            ),
            node.get(LINE),
        )
        for node in _mapping_list(root, "levels")
    ]
    criteria: list[tuple[CriterionSpec, int | None]] = []
    for group in _mapping_list(root, "groups"):
        group_key = _required(group.get("key"), "key", group.get(LINE))
        group_title = _required(group.get("title"), "title", group.get(LINE))
        for node in _mapping_list(group, "criteria"):
            criteria.append(
                (
                    CriterionSpec(
                        key=_required(node.get("key"), "key", node.get(LINE)),
                        group_key=group_key,
                        group_title=group_title,
                        text=_required(node.get("text"), "text", node.get(LINE)),
                        max_score=_whole(
                            node.get("max_score", 10),
                            "max_score",
                            node.get(LINE),
                            "",
                            low=1,
                            high=MAX_SCORE_LIMIT,
                        ),
                        order=len(criteria) + 1,
                    ),
                    node.get(LINE),
                )
            )
    return _check(fields, levels, criteria, root_line=line)


def dump_yaml(spec: CriteriaSetSpec) -> str:
    """Write *spec* as YAML that :func:`parse_yaml` reads back to an equal spec."""
    groups: list[dict[str, Any]] = []
    for criterion in spec.criteria:
        if not groups or groups[-1]["key"] != criterion.group_key:
            groups.append(
                {"key": criterion.group_key, "title": criterion.group_title, "criteria": []}
            )
        groups[-1]["criteria"].append(
            {"key": criterion.key, "text": criterion.text, "max_score": criterion.max_score}
        )
    document = {
        "code": spec.code,
        "version": spec.version,
        "title": spec.title,
        "description": spec.description,
        "levels": [
            {"key": lv.key, "label": lv.label, "min_percent": lv.min_percent} for lv in spec.levels
        ],
        "groups": groups,
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


# --- XLSX -------------------------------------------------------------------------------

SHEET_NAMES = {
    "set": ("set", "Bộ tiêu chí"),
    "levels": ("levels", "Mức xếp loại"),
    "criteria": ("criteria", "Tiêu chí"),
}
LEVEL_COLUMNS = ("key", "label", "min_percent")
CRITERIA_COLUMNS = ("group_key", "group_title", "key", "text", "max_score")


def _sheet(workbook: Any, role: str) -> Any:
    for name in SHEET_NAMES[role]:
        for sheet in workbook.worksheets:
            if _nfc(sheet.title).casefold() == unicodedata.normalize("NFC", name).casefold():
                return sheet
    raise CriteriaFileError(
        gettext_noop("the workbook has no sheet “%(sheet)s”"),
        params={"sheet": " / ".join(SHEET_NAMES[role])},
    )


def _rows(sheet: Any, columns: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise CriteriaFileError(
            gettext_noop("the sheet is empty; its first row names the columns"),
            line=1,
            sheet=sheet.title,
        )
    header = [_nfc(c).casefold() if c is not None else "" for c in rows[0]]
    for column in columns:
        if column not in header:
            raise CriteriaFileError(
                gettext_noop("the column “%(column)s” is missing from the first row"),
                line=1,
                sheet=sheet.title,
                params={"column": column},
            )
    out: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
            continue
        out.append(
            (number, {name: row[i] if i < len(row) else None for i, name in enumerate(header)})
        )
    return out


def parse_xlsx(data: bytes) -> CriteriaSetSpec:
    """Parse a criteria set from an XLSX workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise CriteriaFileError(gettext_noop("the file is not an XLSX workbook")) from exc
    try:
        info_sheet = _sheet(workbook, "set")
        info: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for number, row in enumerate(info_sheet.iter_rows(values_only=True), start=1):
            if row and row[0] is not None:
                name = _nfc(row[0]).casefold()
                info[name] = row[1] if len(row) > 1 else None
                lines[name] = number
        title = info_sheet.title
        fields = {
            "code": _code(info.get("code"), lines.get("code", 1), title),
            "version": _whole(
                info.get("version", 1), "version", lines.get("version", 1), title, low=1, high=9999
            ),
            "title": _required(info.get("title"), "title", lines.get("title", 1), title),
            "description": _nfc(info.get("description") or ""),
        }
        level_sheet = _sheet(workbook, "levels")
        levels = [
            (
                LevelSpec(
                    key=_required(row["key"], "key", number, level_sheet.title),
                    label=_required(row["label"], "label", number, level_sheet.title),
                    min_percent=_whole(
                        row["min_percent"],
                        "min_percent",
                        number,
                        level_sheet.title,
                        low=0,
                        high=100,
                    ),
                ),
                number,
            )
            for number, row in _rows(level_sheet, LEVEL_COLUMNS)
        ]
        criteria_sheet = _sheet(workbook, "criteria")
        criteria: list[tuple[CriterionSpec, int | None]] = []
        for number, row in _rows(criteria_sheet, CRITERIA_COLUMNS):
            sheet = criteria_sheet.title
            max_raw = row["max_score"] if row["max_score"] is not None else 10
            criteria.append(
                (
                    CriterionSpec(
                        key=_required(row["key"], "key", number, sheet),
                        group_key=_required(row["group_key"], "group_key", number, sheet),
                        group_title=_required(row["group_title"], "group_title", number, sheet),
                        text=_required(row["text"], "text", number, sheet),
                        max_score=_whole(
                            max_raw, "max_score", number, sheet, low=1, high=MAX_SCORE_LIMIT
                        ),
                        order=len(criteria) + 1,
                    ),
                    number,
                )
            )
        return _check(
            fields,
            levels,
            criteria,
            level_sheet=level_sheet.title,
            criteria_sheet=criteria_sheet.title,
        )
    finally:
        workbook.close()


def parse_content(kind: str, data: bytes) -> CriteriaSetSpec:
    """Parse a file whose kind was read from its content (``xlsx`` or ``text``)."""
    if kind == "xlsx":
        return parse_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CriteriaFileError(gettext_noop("the file is not UTF-8 text")) from exc
    return parse_yaml(text)


def parse_file(name: str, data: bytes) -> CriteriaSetSpec:
    """Parse an uploaded file by its extension (``.yaml``/``.yml`` or ``.xlsx``)."""
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return parse_xlsx(data)
    if lowered.endswith((".yaml", ".yml")):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CriteriaFileError(gettext_noop("the file is not UTF-8 text")) from exc
        return parse_yaml(text)
    raise CriteriaFileError(gettext_noop("upload a .yaml, .yml or .xlsx file"))
