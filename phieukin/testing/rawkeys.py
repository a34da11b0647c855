"""Find raw keys in what a person reads: item keys, option keys, dotted action names.

Pages, documents and API error texts speak Vietnamese; a stable key (``nd01``,
``muc_do_4``, ``trung_binh``, ``box.seal``) belongs in URLs, form fields and files for
machines, never in visible text. :func:`visible_text` takes the text of an HTML page that
a person reads (text nodes and the ``title``, ``alt``, ``aria-label``, ``placeholder``
attributes; not scripts, styles, form values or links), :func:`raw_keys` finds the keys.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from phieukin.audit.labels import ACTIONS, DOMAINS

_ACTION_DOMAINS = sorted({key.split(".", 1)[0] for key in ACTIONS} | set(DOMAINS), key=len)
RAW_KEY = re.compile(
    r"\bnd\d\d\b"  # item keys of the sample questionnaire
    r"|\bmuc_do_\d+\b"  # scale keys
    r"|\b(?:trung_binh|khong_danh_gia|xuat_sac|chua_dat)\b"  # option keys
    # Dotted action names (box.seal, accounts.committee_member_added), not file names.
    r"|(?<![\w/.-])(?:" + "|".join(re.escape(d) for d in reversed(_ACTION_DOMAINS)) + r")"
    r"\.[a-z_]+(?:\.[a-z_]+)*(?![\w/-])(?<!\.pdf)(?<!\.docx)(?<!\.xlsx)(?<!\.yaml)(?<!\.csv)"
)
_READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in _READ_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return the text of *html* a person reads, one piece a line."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def raw_keys(text: str) -> list[str]:
    """Return every raw key in *text* (empty when a person could read it all)."""
    return [m.group(0) for m in RAW_KEY.finditer(text)]
