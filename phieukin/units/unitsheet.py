"""Read a list of units from a spreadsheet (XLSX or CSV) with line-numbered errors.

One row per unit; the first row names the columns, in Vietnamese or English:

===================  ===============  ========================================
column               also accepted    meaning
===================  ===============  ========================================
``ma``               ``code``         national administrative code (may be empty)
``ten``              ``name``         short name ("Bồ Đề"), required
``ten_day_du``       ``full_name``    full name ("Phường Bồ Đề"); derived if empty
``loai``             ``kind``         thành phố/tỉnh, quận/huyện, phường, xã
``ma_cap_tren``      ``parent``       code of the parent (in the file or in the product)
``hieu_luc_tu``      ``valid_from``   dd/mm/yyyy or yyyy-mm-dd (may be empty)
``hieu_luc_den``     ``valid_until``  dd/mm/yyyy or yyyy-mm-dd (may be empty)
``dang_uy``          ``committee``    Party committee ("Đảng ủy phường Bồ Đề")
``dang_bo``          ``organisation`` Party organisation ("Đảng bộ phường Bồ Đề")
===================  ===============  ========================================

Reading checks each row on its own (:func:`read_rows`); the service then checks rows
against each other and against the product and reports every problem with its line.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

COLUMNS = {
    "ma": "code",
    "code": "code",
    "ten": "name",
    "name": "name",
    "ten_day_du": "full_name",
    "full_name": "full_name",
    "loai": "kind",
    "kind": "kind",
    "ma_cap_tren": "parent",
    "parent": "parent",
    "hieu_luc_tu": "valid_from",
    "valid_from": "valid_from",
    "hieu_luc_den": "valid_until",
    "valid_until": "valid_until",
    "dang_uy": "party_committee",
    "committee": "party_committee",
    "dang_bo": "party_organisation",
    "organisation": "party_organisation",
}

KINDS = {
    "thanh pho": "province",
    "tinh": "province",
    "province": "province",
    "quan": "district",
    "huyen": "district",
    "thi xa": "district",
    "district": "district",
    "phuong": "ward",
    "ward": "ward",
    "xa": "commune",
    "thi tran": "commune",
    "commune": "commune",
}

# Words written before the name in the full name and the committee's name.
KIND_WORDS = {"province": "Thành phố", "district": "Quận", "ward": "Phường", "commune": "Xã"}


@dataclass(frozen=True)
class UnitRow:
    """One row of the sheet, checked on its own."""

    line: int
    code: str
    name: str
    full_name: str
    kind: str
    parent: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    party_committee: str
    party_organisation: str


@dataclass(frozen=True)
class RowError:
    """A problem on one line of the sheet (line 1 is the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


def _fold(text: str) -> str:
    """Return *text* lower-case without diacritics, for matching column names and kinds."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("_", " ").split())


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _cells_from_csv(data: bytes) -> list[list[object]]:
    text = data.decode("utf-8-sig")
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _cells_from_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_cells(data: bytes, kind: str) -> list[list[object]]:
    """Return the cells of the first sheet of an XLSX file, or of a CSV file (UTF-8).

    *kind* is what the content is (``xlsx`` or ``text``, see ``core.uploads``), never
    guessed from the file's name.
    """
    if kind == "xlsx":
        return _cells_from_xlsx(data)
    return _cells_from_csv(data)


def read_rows(cells: list[list[object]]) -> tuple[list[UnitRow], list[RowError]]:
    """Check each row of *cells* on its own; return the good rows and every error."""
    errors: list[RowError] = []
    if not cells:
        return [], [RowError(1, _("the file is empty."))]
    header = [_fold(str(c or "")).replace(" ", "_") for c in cells[0]]
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        field = COLUMNS.get(name)
        if field is None:
            if name:
                errors.append(
                    RowError(1, _("unknown column “%(name)s”.") % {"name": cells[0][position]})
                )
            continue
        index.setdefault(field, position)
    for required in ("name", "kind"):
        if required not in index:
            errors.append(
                RowError(
                    1,
                    _("the column “%(name)s” is missing.")
                    % {"name": {"name": "ten", "kind": "loai"}[required]},
                )
            )
    if errors:
        return [], errors
    rows: list[UnitRow] = []
    for number, raw in enumerate(cells[1:], start=2):

        def cell(field: str, raw: list[object] = raw) -> object:
            position = index.get(field)
            if position is None or position >= len(raw):
                return None
            value = raw[position]
            return value.strip() if isinstance(value, str) else value

        if all(v in (None, "") for v in raw):
            continue
        line_errors: list[str] = []
        name = unicodedata.normalize("NFC", str(cell("name") or "")).strip()
        if not name:
            line_errors.append(_("the name is empty."))
        kind_text = str(cell("kind") or "")
        kind = KINDS.get(_fold(kind_text))
        if kind is None:
            line_errors.append(
                _("unknown kind “%(kind)s” (write thành phố, tỉnh, quận, huyện, phường or xã).")
                % {"kind": kind_text}
            )
        code_value = cell("code")
        code = str(int(code_value)) if isinstance(code_value, float) else str(code_value or "")
        if code and not code.isdigit():
            line_errors.append(_("the code “%(code)s” is not a number.") % {"code": code})
        parent_value = cell("parent")
        parent = (
            str(int(parent_value)) if isinstance(parent_value, float) else str(parent_value or "")
        )
        dates: dict[str, dt.date | None] = {}
        for field, label in (("valid_from", _("valid from")), ("valid_until", _("valid until"))):
            value = cell(field)
            if value in (None, ""):
                dates[field] = None
                continue
            try:
                dates[field] = _parse_date(value)
            except ValueError:
                dates[field] = None
                line_errors.append(
                    _("“%(value)s” in “%(column)s” is not a date (dd/mm/yyyy).")
                    % {"value": value, "column": label}
                )
        start, end = dates["valid_from"], dates["valid_until"]
        if start and end and end < start:
            line_errors.append(_("the unit ends before it begins."))
        if line_errors:
            errors += [RowError(number, message) for message in line_errors]
            continue
        assert kind is not None
        word = KIND_WORDS[kind]
        full_name = str(cell("full_name") or "") or f"{word} {name}"
        rows.append(
            UnitRow(
                line=number,
                code=code,
                name=name,
                full_name=unicodedata.normalize("NFC", full_name),
                kind=kind,
                parent=parent,
                valid_from=start,
                valid_until=end,
                party_committee=str(cell("party_committee") or ""),
                party_organisation=str(cell("party_organisation") or ""),
            )
        )
    return rows, errors
