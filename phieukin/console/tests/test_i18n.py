"""Every catalogue is complete and compiled; pages speak Vietnamese with Vietnamese dates."""

from __future__ import annotations

import ast
import datetime as dt
import gettext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from phieukin.rounds.models import Conference

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(PACKAGE.glob("*/locale/vi/LC_MESSAGES/django.po"))


@dataclass
class Entry:
    """One message of a .po file."""

    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def _unquote(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def parse_po(path: Path) -> list[Entry]:
    """Parse a .po file into entries (enough of the format for makemessages output)."""
    entries: list[Entry] = []
    current = Entry(line=1)
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            if target is not None:
                entries.append(current)
            current, target = Entry(line=number + 1), None
            continue
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            current.msgctxt, target = _unquote(line[8:]), ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", 0)
        elif line.startswith("msgid "):
            current.msgid, target = _unquote(line[6:]), ("msgid", 0)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            current.msgstr[index] = _unquote(line[line.index("]") + 2 :])
            target = ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr[0], target = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
    if target is not None:
        entries.append(current)
    return entries


def test_the_catalogues_were_found() -> None:
    apps = {path.parents[3].name for path in CATALOGUES}
    assert {"core", "accounts", "units", "questionnaires", "rounds", "audit"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_every_message_is_translated_and_none_is_fuzzy(po: Path) -> None:
    problems = []
    for entry in parse_po(po):
        if entry.msgid == "":
            if "fuzzy" in entry.flags:
                problems.append(f"{po}:{entry.line}: the header is fuzzy")
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{po}:{entry.line}: fuzzy: {entry.msgid!r}")
        if not entry.msgstr or not all(entry.msgstr.values()):
            problems.append(f"{po}:{entry.line}: untranslated: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_the_compiled_catalogue_matches_the_po_file(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run compilemessages"
    with mo.open("rb") as handle:
        catalog: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in parse_po(po):
        if entry.msgid == "" or "fuzzy" in entry.flags:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalog.get(key) != entry.msgstr.get(0):
                stale.append(entry.msgid)
        else:
            for index, text in entry.msgstr.items():
                if catalog.get((key, index)) != text:
                    stale.append(entry.msgid)
    assert not stale, f"{mo} is older than or differs from {po.name}: {stale[:5]}"


def test_the_time_zone_is_vietnams() -> None:
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


def test_a_page_in_the_default_language_is_vietnamese_with_day_month_year_dates(
    client: Any, district_organiser: Any, open_round_: Any, wards: Any
) -> None:
    Conference.objects.filter(round=open_round_).update(held_on=dt.date(2026, 3, 7))
    client.force_login(district_organiser)
    html = client.get(reverse("rounds:detail", args=[open_round_.pk])).content.decode()
    assert "Hội nghị" in html
    assert "Cán bộ được góp ý" in html
    assert "Đang mở" in html  # the round's state
    assert "07/03/2026" in html
    assert "2026-03-07" not in html
    assert "Conferences" not in html


def test_an_english_browser_still_gets_the_vietnamese_interface(client: Any, db: Any) -> None:
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in html.content.decode()
