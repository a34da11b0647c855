"""Vietnamese alphabetical order, independent of the database's collation.

Letters are ordered a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (Đ after D);
words compare by their letters first and by their tones second, tones ordered
ngang, huyền, hỏi, ngã, sắc, nặng (the order of Vietnamese dictionaries).

``sort_key`` returns a string of decimal digits, which sorts the same under any database
collation, so it can be stored in a column and used in ``ORDER BY`` on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Combining marks of the five tones, in dictionary order after the level tone.
_TONES = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
# Marks that make a new letter rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def _split(char: str) -> tuple[str, int]:
    """Split one character into its base letter (with letter marks) and its tone."""
    decomposed = unicodedata.normalize("NFD", char.lower())
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONES:
            tone = _TONES[part]
        else:
            kept.append(part)
    base = unicodedata.normalize("NFC", "".join(kept))
    return base, tone


def sort_key(text: str) -> str:
    """Return a digits-only key that orders *text* the Vietnamese way."""
    primary: list[str] = []
    tones: list[str] = []
    for char in unicodedata.normalize("NFC", text.strip()):
        if char.isspace() or char in "-–,.()'\"":
            primary.append("01")  # word separator: shorter words first
            continue
        base, tone = _split(char)
        index = _ALPHABET.find(base)
        if index >= 0:
            primary.append(f"{20 + index:02d}")
        elif base.isdigit():
            primary.append(f"1{base}")
        else:
            primary.append(f"{min(99, 60 + (ord(base[0]) % 39)):02d}" if base else "99")
        tones.append(str(tone))
    return "".join(primary) + "00" + "".join(tones)


def person_sort_key(full_name: str) -> str:
    """Return the key that orders Vietnamese personal names: given name first.

    "Nguyễn Văn An" sorts under "An", then by family and middle names.
    """
    parts = full_name.split()
    if not parts:
        return sort_key("")
    given = parts[-1]
    rest = " ".join(parts[:-1])
    return sort_key(given) + "000" + sort_key(rest)
