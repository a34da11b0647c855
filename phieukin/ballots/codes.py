"""One-time voting codes: generation, normalisation, check symbol and keyed hash.

A code is 11 random Crockford-base32 symbols (55 bits of entropy) followed by one check
symbol (Luhn mod 32), shown as ``XXXX-XXXX-XXXX``. Input is normalised the Crockford way
(case folded, ``I``/``L`` read as ``1``, ``O`` as ``0``, spaces and dashes ignored), so a
respondent may type it loosely; a single mistyped symbol or a swap of two neighbours is
caught by the check symbol before the database is touched. Codes are stored only as an
HMAC-SHA-256 with a server secret. Pure: no Django.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE: Final = len(ALPHABET)
RANDOM_SYMBOLS: Final = 11
CODE_LENGTH: Final = RANDOM_SYMBOLS + 1
GROUP: Final = 4
_INDEX: Final = {symbol: index for index, symbol in enumerate(ALPHABET)}
_ALIASES: Final = {"I": "1", "L": "1", "O": "0"}
_IGNORED: Final = frozenset(" -_.\t\u00a0")


class CodeFormatError(ValueError):
    """Typed text that cannot be a code; ``reason`` is ``length``, ``symbol`` or ``check``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_symbol(body: str) -> str:
    """Return the Luhn mod 32 check symbol of *body* (normalised symbols)."""
    total = 0
    factor = 2
    for symbol in reversed(body):
        addend = factor * _INDEX[symbol]
        total += addend // BASE + addend % BASE
        factor = 1 if factor == 2 else 2
    return ALPHABET[(BASE - total % BASE) % BASE]


def generate() -> str:
    """Return a new random code in normalised form (12 symbols, no dashes)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return body + check_symbol(body)


def normalise(text: str) -> str:
    """Return *text* as a normalised code, or raise CodeFormatError.

    Raises with reason ``symbol`` for a character outside the alphabet, ``length`` for
    the wrong number of symbols and ``check`` when the check symbol does not match.
    """
    symbols: list[str] = []
    for char in text.upper():
        if char in _IGNORED:
            continue
        char = _ALIASES.get(char, char)
        if char not in _INDEX:
            raise CodeFormatError("symbol")
        symbols.append(char)
    if len(symbols) != CODE_LENGTH:
        raise CodeFormatError("length")
    code = "".join(symbols)
    if check_symbol(code[:-1]) != code[-1]:
        raise CodeFormatError("check")
    return code


def is_well_formed(text: str) -> bool:
    """Return whether *text* normalises to a code with a correct check symbol."""
    try:
        normalise(text)
    except CodeFormatError:
        return False
    return True


def display(code: str) -> str:
    """Return a normalised code in groups of four: ``XXXX-XXXX-XXXX``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def keyed_digest(code: str, key: bytes) -> str:
    """Return the hex HMAC-SHA-256 of a normalised code under the server secret *key*."""
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


RECEIPT_SYMBOLS: Final = 16


def new_receipt() -> str:
    """Return a new random receipt: 16 Crockford symbols (80 bits) in groups of four.

    One read of 80 random bits, five bits a symbol (the alphabet has exactly 32 symbols,
    so every symbol is equally likely): this runs twice for every online ballot.
    """
    bits = int.from_bytes(secrets.token_bytes(RECEIPT_SYMBOLS * 5 // 8), "big")
    return display("".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RECEIPT_SYMBOLS)))


def normalise_receipt(text: str) -> str | None:
    """Return *text* as a receipt in its stored form (``XXXX-XXXX-XXXX-XXXX``), or None.

    Typed the Crockford way, like a code: case, spaces, dashes and dots do not matter,
    ``I``/``L`` are read as ``1`` and ``O`` as ``0``. None when it cannot be a receipt.
    """
    symbols: list[str] = []
    for char in text.upper():
        if char in _IGNORED:
            continue
        char = _ALIASES.get(char, char)
        if char not in _INDEX:
            return None
        symbols.append(char)
    if len(symbols) != RECEIPT_SYMBOLS:
        return None
    return display("".join(symbols))
