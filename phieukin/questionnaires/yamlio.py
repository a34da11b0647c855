"""Read and write questionnaires as YAML (the format of ``phieukin/data/*.yaml``).

Parsing is pure: :func:`parse_questionnaire` turns text into a :class:`QuestionnaireSpec`
or raises :class:`QuestionnaireFileError` with the line of the problem, so an organiser
editing the file sees where it is wrong.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

LINE = "__line__"
# A key starting with one of these is written to ``ballots.csv`` with an apostrophe in
# front (formula neutralising), so an independent recount would read another key.
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Message:
    """An English message template and its parameters, translated outside this module.

    The template is the stable key: ``questionnaires/messages.py`` looks it up in the
    ``vi`` catalogue (``makemessages`` finds the templates here because they are
    written as ``_("…")``). ``str()`` gives the English text.
    """

    template: str
    params: tuple[tuple[str, Any], ...] = ()

    def __mod__(self, params: dict[str, Any]) -> Message:
        return Message(self.template, tuple(params.items()))

    def __str__(self) -> str:
        values = {k: str(v) for k, v in self.params}
        return self.template % values if values else self.template


def _(template: str) -> Message:
    """Mark *template* for translation without translating it (this module is pure)."""
    return Message(template)


class QuestionnaireFileError(ValueError):
    """A questionnaire file is malformed; ``line`` is 1-based or None.

    ``message`` is a :class:`Message`; ``questionnaires.messages.file_error_text`` gives
    the Vietnamese text, ``str()`` the English one.
    """

    def __init__(self, message: Message, line: int | None = None) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else str(message))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        str(k): v for k, v in loader.construct_mapping(node, deep=True).items()
    }
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class OptionSpec:
    key: str
    label: str
    score: Decimal | None
    description: str = ""


@dataclass
class ScaleSpec:
    key: str
    label: str
    options: list[OptionSpec]


@dataclass
class SectionSpec:
    key: str
    title: str
    order: int


@dataclass
class ItemSpec:
    key: str
    section: str
    scale: str
    text: str
    order: int
    basis: list[str] = field(default_factory=list)


@dataclass
class QuestionnaireSpec:
    code: str
    version: int
    title: str
    short_title: str
    instructions: str
    scales: list[ScaleSpec]
    sections: list[SectionSpec]
    items: list[ItemSpec]
    comment_label: str = "Ý kiến khác"
    comment_help: str = ""
    comment_max_length: int = 2000
    respondent_groups: list[dict[str, str]] = field(default_factory=list)
    subject_positions: list[dict[str, str]] = field(default_factory=list)
    suggested_rules: dict[str, Any] = field(default_factory=dict)
    references: list[dict[str, str]] = field(default_factory=list)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _text(node: dict[str, Any], key: str, *, required: bool = True, default: str = "") -> str:
    value = node.get(key)
    if value is None:
        if required:
            raise QuestionnaireFileError(
                _("the field “%(field)s” is missing") % {"field": key}, node.get(LINE)
            )
        return default
    if not isinstance(value, str | int | float):
        raise QuestionnaireFileError(
            _("the field “%(field)s” must be text") % {"field": key}, node.get(LINE)
        )
    text = _nfc(str(value))
    if required and not text:
        raise QuestionnaireFileError(
            _("the field “%(field)s” is empty") % {"field": key}, node.get(LINE)
        )
    return text


def _key(node: dict[str, Any], field_name: str) -> str:
    """Return an item or option key, refused when a spreadsheet would read it as a formula."""
    key = _text(node, field_name)
    if key.startswith(FORMULA_STARTS):
        raise QuestionnaireFileError(
            _(
                "the key “%(key)s” must not start with =, +, - or @ (the ballots file would "
                "write it differently and a recount would not match)"
            )
            % {"key": key},
            node.get(LINE),
        )
    return key


def _list(node: dict[str, Any], key: str, *, required: bool = True) -> list[Any]:
    value = node.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise QuestionnaireFileError(
            _("“%(field)s” must be a non-empty list") % {"field": key}, node.get(LINE)
        )
    return value


def _mapping(value: Any, where: str, line: int | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise QuestionnaireFileError(
            _("each entry of “%(field)s” must be a mapping (key: value)") % {"field": where}, line
        )
    return value


def _unique(keys: list[tuple[str, int | None]], what: Message) -> None:
    seen: set[str] = set()
    for key, line in keys:
        if key in seen:
            raise QuestionnaireFileError(
                _("the %(what)s “%(key)s” appears twice") % {"what": what, "key": key}, line
            )
        seen.add(key)


def parse_questionnaire(text: str) -> QuestionnaireSpec:
    """Parse a questionnaire file, raising QuestionnaireFileError with its line number."""
    try:
        root = yaml.load(text, Loader=_LineLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise QuestionnaireFileError(
            _("the file is not valid YAML (%(problem)s)") % {"problem": exc.problem},
            mark.line + 1 if mark else None,
        ) from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireFileError(_("the file is not valid YAML")) from exc
    if not isinstance(root, dict):
        raise QuestionnaireFileError(
            _("the file must be a mapping with a title, scales and items"), 1
        )

    version_raw = root.get("version", 1)
    if not isinstance(version_raw, int) or version_raw < 1:
        raise QuestionnaireFileError(_("“version” must be a positive whole number"), root.get(LINE))

    scales: list[ScaleSpec] = []
    for raw in _list(root, "scales"):
        node = _mapping(raw, "scales", root.get(LINE))
        options: list[OptionSpec] = []
        for raw_option in _list(node, "options"):
            opt = _mapping(raw_option, "options", node.get(LINE))
            score_raw = opt.get("score")
            score: Decimal | None
            if score_raw is None or opt.get("scored") is False:
                score = None
            else:
                try:
                    score = Decimal(str(score_raw))
                except InvalidOperation as exc:
                    raise QuestionnaireFileError(
                        _("the score “%(score)s” is not a number") % {"score": score_raw},
                        opt.get(LINE),
                    ) from exc
            options.append(
                OptionSpec(
                    key=_key(opt, "key"),
                    label=_text(opt, "label"),
                    score=score,
                    description=_text(opt, "description", required=False),
                )
            )
        if len(options) > 10:
            raise QuestionnaireFileError(_("a scale may have at most 10 options"), node.get(LINE))
        _unique([(o.key, node.get(LINE)) for o in options], _("option"))
        scales.append(
            ScaleSpec(key=_text(node, "key"), label=_text(node, "label"), options=options)
        )
    _unique([(s.key, root.get(LINE)) for s in scales], _("scale"))

    sections: list[SectionSpec] = []
    for index, raw in enumerate(_list(root, "sections"), start=1):
        node = _mapping(raw, "sections", root.get(LINE))
        sections.append(
            SectionSpec(
                key=_text(node, "id"),
                title=_text(node, "title"),
                order=int(node.get("order", index)),
            )
        )
    _unique([(s.key, None) for s in sections], _("section"))

    scale_keys = {s.key for s in scales}
    section_keys = {s.key for s in sections}
    items: list[ItemSpec] = []
    item_lines: list[tuple[str, int | None]] = []
    for index, raw in enumerate(_list(root, "items"), start=1):
        node = _mapping(raw, "items", root.get(LINE))
        line = node.get(LINE)
        key = _key(node, "id")
        section = _text(node, "section")
        scale = _text(node, "scale", required=len(scales) != 1, default=scales[0].key)
        if section not in section_keys:
            raise QuestionnaireFileError(
                _("item “%(item)s” names an unknown section “%(section)s”")
                % {"item": key, "section": section},
                line,
            )
        if scale not in scale_keys:
            raise QuestionnaireFileError(
                _("item “%(item)s” names an unknown scale “%(scale)s”")
                % {"item": key, "scale": scale},
                line,
            )
        basis = node.get("basis") or []
        items.append(
            ItemSpec(
                key=key,
                section=section,
                scale=scale,
                text=_text(node, "text"),
                order=int(node.get("order", index)),
                basis=[str(b) for b in basis] if isinstance(basis, list) else [str(basis)],
            )
        )
        item_lines.append((key, line))
    _unique(item_lines, _("item"))
    _unique([(str(i.order), None) for i in items], _("item order"))

    comment = root.get("comment") or {}
    if not isinstance(comment, dict):
        comment = {}
    max_length = comment.get("max_length", 2000)
    if not isinstance(max_length, int) or max_length < 1:
        raise QuestionnaireFileError(
            _("“max_length” must be a positive whole number"), comment.get(LINE)
        )

    return QuestionnaireSpec(
        code=_text(root, "code"),
        version=version_raw,
        title=_text(root, "title"),
        short_title=_text(root, "short_title", required=False),
        instructions=str(root.get("instructions") or "").strip(),
        scales=scales,
        sections=sorted(sections, key=lambda s: s.order),
        items=sorted(items, key=lambda i: i.order),
        comment_label=_text(comment, "label", required=False, default="Ý kiến khác"),
        comment_help=_text(comment, "help", required=False),
        comment_max_length=max_length,
        respondent_groups=_strip_lines(root.get("respondent_groups") or []),
        subject_positions=_strip_lines(root.get("subject_positions") or []),
        suggested_rules=_strip_lines(root.get("suggested_rules") or {}),
        references=_strip_lines(root.get("references") or []),
    )


def dump_questionnaire(spec: QuestionnaireSpec) -> str:
    """Return *spec* as YAML in the same format :func:`parse_questionnaire` reads."""

    def score(value: Decimal | None) -> int | float | None:
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    data: dict[str, Any] = {
        "schema_version": 1,
        "code": spec.code,
        "version": spec.version,
        "language": "vi",
        "title": spec.title,
        "short_title": spec.short_title,
        "subject_positions": spec.subject_positions,
        "respondent_groups": spec.respondent_groups,
        "instructions": spec.instructions,
        "scales": [
            {
                "key": s.key,
                "label": s.label,
                "options": [
                    {
                        "key": o.key,
                        "label": o.label,
                        "score": score(o.score),
                        "scored": o.score is not None,
                        "description": o.description,
                    }
                    for o in s.options
                ],
            }
            for s in spec.scales
        ],
        "sections": [{"id": s.key, "order": s.order, "title": s.title} for s in spec.sections],
        "items": [
            {
                "id": i.key,
                "order": i.order,
                "section": i.section,
                "scale": i.scale,
                "text": i.text,
                "basis": i.basis,
            }
            for i in spec.items
        ],
        "comment": {
            "label": spec.comment_label,
            "help": spec.comment_help,
            "max_length": spec.comment_max_length,
        },
        "suggested_rules": spec.suggested_rules,
        "references": spec.references,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
