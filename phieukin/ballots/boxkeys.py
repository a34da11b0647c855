"""The key of an open box: t-of-n shares, the public key, sealed-box encryption.

When a box opens, a random 16-byte secret is drawn and split with Shamir's scheme
(pycryptodome's reviewed implementation over GF(2^128)) into one share per committee
member, plus an optional recovery share for the organiser. The box's X25519 key pair is
derived from the secret with HKDF-SHA-256; only the public key is kept. Every ballot of
the open box is encrypted to that public key with a libsodium sealed box (PyNaCl:
ephemeral X25519, XSalsa20-Poly1305), so the server can write ballots it cannot read.
At sealing, t shares give back the secret in memory, which gives back the private key.

A share's typed form is 35 Crockford base32 symbols in seven groups of five: its index,
a 3-byte tag of the box's public key (so a share of another box is named as such), the
16-byte share, and three check symbols (15 bits of SHA-256) that catch a typo before
anything is combined. Pure: no Django; no primitive is written here.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import HKDF
from Crypto.Protocol.SecretSharing import Shamir
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from phieukin.ballots.codes import ALPHABET

SECRET_BYTES: Final = 16
TAG_BYTES: Final = 3
CHECK_SYMBOLS: Final = 3
GROUP: Final = 5
PAYLOAD_BYTES: Final = 1 + TAG_BYTES + SECRET_BYTES
SHARE_SYMBOLS: Final = PAYLOAD_BYTES * 8 // 5 + CHECK_SYMBOLS
MAX_SHARES: Final = 10
_KDF_CONTEXT: Final = b"phieukin box key v1"
_FINGERPRINT_PREFIX: Final = b"phieukin-box-public-key-v1\x00"
_INDEX: Final = {symbol: index for index, symbol in enumerate(ALPHABET)}
_ALIASES: Final = {"I": "1", "L": "1", "O": "0", "U": "V"}
_IGNORED: Final = frozenset(" -_.\t\u00a0")


class ShareError(ValueError):
    """A share or a set of shares that cannot give the box's key.

    ``reason`` is ``format`` (not a share), ``check`` (a typo), ``other_box``,
    ``duplicate``, ``too_few`` or ``mismatch`` (combined, but not this box's key).
    ``position`` is the 1-based place of the offending share in the input, when known.
    """

    def __init__(self, reason: str, position: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position


@dataclass(frozen=True)
class KeyShare:
    """One share: its index (1…n+1), the box tag and the Shamir share bytes."""

    index: int
    tag: bytes
    value: bytes

    def typed(self) -> str:
        """Return the typed form: seven groups of five symbols."""
        payload = bytes([self.index]) + self.tag + self.value
        symbols = _encode(payload) + _check(payload)
        return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


@dataclass(frozen=True)
class BoxKeyMaterial:
    """What opening a box produces: the public key to keep and the shares to hand out."""

    public_key: bytes
    threshold: int
    members: int
    recovery: bool
    shares: list[KeyShare]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def _encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    count = len(data) * 8 // 5
    return "".join(ALPHABET[(number >> (5 * (count - 1 - i))) & 31] for i in range(count))


def _decode(symbols: str, length: int) -> bytes:
    number = 0
    for symbol in symbols:
        number = (number << 5) | _INDEX[symbol]
    return number.to_bytes(length, "big")


def _check(payload: bytes) -> str:
    digest = int.from_bytes(hashlib.sha256(payload).digest()[:2], "big")
    return "".join(ALPHABET[(digest >> (5 * (CHECK_SYMBOLS - 1 - i))) & 31] for i in range(3))


def fingerprint(public_key: bytes) -> str:
    """Return the hex SHA-256 fingerprint of a box's public key (printed on the slips)."""
    return hashlib.sha256(_FINGERPRINT_PREFIX + public_key).hexdigest()


def tag_of(public_key: bytes) -> bytes:
    """Return the 3-byte tag carried by every share of the box."""
    return bytes.fromhex(fingerprint(public_key))[:TAG_BYTES]


def _private_key(secret: bytes) -> PrivateKey:
    derived = HKDF(secret, 32, b"", SHA256, context=_KDF_CONTEXT)
    assert isinstance(derived, bytes)
    return PrivateKey(derived)


def new_box_key(*, threshold: int, members: int, recovery: bool) -> BoxKeyMaterial:
    """Draw a box key and split it: *members* shares, any *threshold* of them open it.

    With *recovery*, one more share is made for the organiser; it counts like any
    member's share, so it replaces one lost or absent member.
    """
    if not 1 <= threshold <= members <= MAX_SHARES:
        raise ValueError("need 1 <= threshold <= members <= 10")
    secret = secrets.token_bytes(SECRET_BYTES)
    public = bytes(_private_key(secret).public_key)
    tag = tag_of(public)
    count = members + (1 if recovery else 0)
    raw = Shamir.split(threshold, count, secret, ssss=False)
    shares = [KeyShare(index=i, tag=tag, value=bytes(v)) for i, v in raw]
    return BoxKeyMaterial(public, threshold, members, recovery, shares)


def parse_share(text: str, *, position: int | None = None) -> KeyShare:
    """Return the share typed as *text* (case and dashes free), or raise ShareError."""
    symbols: list[str] = []
    for char in text.strip().upper():
        if char in _IGNORED:
            continue
        char = _ALIASES.get(char, char)
        if char not in _INDEX:
            raise ShareError("format", position)
        symbols.append(char)
    if len(symbols) != SHARE_SYMBOLS:
        raise ShareError("format", position)
    body = "".join(symbols[: SHARE_SYMBOLS - CHECK_SYMBOLS])
    payload = _decode(body, PAYLOAD_BYTES)
    if _check(payload) != "".join(symbols[SHARE_SYMBOLS - CHECK_SYMBOLS :]):
        raise ShareError("check", position)
    index = payload[0]
    if not 1 <= index <= MAX_SHARES + 1:
        raise ShareError("format", position)
    return KeyShare(index=index, tag=payload[1 : 1 + TAG_BYTES], value=payload[1 + TAG_BYTES :])


def recover_private_key(public_key: bytes, threshold: int, typed: list[str]) -> PrivateKey:
    """Return the box's private key from at least *threshold* typed shares.

    Every share is checked (typo, other box, duplicate) before anything is combined;
    the combined key is compared with the stored public key, so a wrong share is
    refused without harm. Raises ShareError.
    """
    tag = tag_of(public_key)
    seen: dict[int, KeyShare] = {}
    for position, text in enumerate(typed, start=1):
        share = parse_share(text, position=position)
        if share.tag != tag:
            raise ShareError("other_box", position)
        if share.index in seen:
            if seen[share.index] == share:
                raise ShareError("duplicate", position)
            raise ShareError("mismatch", position)
        seen[share.index] = share
    if len(seen) < threshold:
        raise ShareError("too_few")
    chosen = sorted(seen.values(), key=lambda s: s.index)[:threshold]
    secret = Shamir.combine([(s.index, s.value) for s in chosen], ssss=False)
    private = _private_key(bytes(secret))
    if bytes(private.public_key) != public_key:
        raise ShareError("mismatch")
    return private


# --- Ballot content ----------------------------------------------------------------------


# How a sheet is laid out inside its sealed box. The layout is chosen when a box opens
# (``BoxKey.sheet_format``) and kept for every sheet of that box, so all its ciphertexts
# have one length; sealing reads either layout.
#
# 1: the JSON object {"a": answers, "g": group, "c": comment} in UTF-8, padded with
#    spaces to 4 bytes per allowed comment character + 256 (boxes opened before migration
#    ballots/0012).
# 2: the byte 0x02, a JSON header {"a": answers, "g": group, "n": comment bytes} in ASCII
#    and a line feed, the comment in UTF-16 (little-endian), zero bytes to the end; padded
#    to 2 bytes per allowed comment unit + 256. A comment is limited in UTF-16 code units,
#    as a browser's ``maxlength`` counts it, so each takes exactly two bytes: Vietnamese
#    text, which UTF-8 writes in up to three bytes a letter, takes two, and the sheets of
#    a box with a 2.000-unit limit are half the size they were (4.256 bytes, stored in
#    the table's row instead of out of line).
SHEET_FORMAT_JSON: Final = 1
SHEET_FORMAT_COMPACT: Final = 2
SHEET_FORMAT: Final = SHEET_FORMAT_COMPACT  # the layout of boxes opened now
_HEADER_BYTES: Final = 256
_COMPACT_MARK: Final = b"\x02"


def comment_units(text: str) -> int:
    """Return the length of *text* in UTF-16 code units (an emoji counts two).

    *text* must be a string an encoding can write (no half of a surrogate pair).
    """
    return len(text.encode("utf-16-le")) // 2


def padded_size(comment_limit: int, sheet_format: int = SHEET_FORMAT) -> int:
    """Return the fixed plaintext size of one sheet, so ciphertexts are all alike.

    The answers, the group and the layout's own bytes fit in 256 bytes; a comment of
    *comment_limit* units takes at most 2 bytes a unit in the compact layout (4 in the
    JSON layout, which counted characters). Every sheet of a box is padded to this size,
    so a ciphertext's length says nothing of its comment.
    """
    if sheet_format == SHEET_FORMAT_JSON:
        return 4 * comment_limit + _HEADER_BYTES
    if sheet_format == SHEET_FORMAT_COMPACT:
        return 2 * comment_limit + _HEADER_BYTES
    raise ValueError(f"unknown sheet format {sheet_format}")


def encrypt_sheet(
    public_key: bytes,
    *,
    answers: str,
    group_id: int | None,
    comment: str,
    size: int,
    sheet_format: int = SHEET_FORMAT,
) -> bytes:
    """Return the sealed-box ciphertext of one sheet, padded to *size* bytes."""
    if sheet_format == SHEET_FORMAT_COMPACT:
        text = comment.encode("utf-16-le")
        body = (
            _COMPACT_MARK
            + json.dumps(
                {"a": answers, "g": group_id, "n": len(text)}, separators=(",", ":")
            ).encode("ascii")
            + b"\n"
        )
        if len(body) > _HEADER_BYTES:
            raise ValueError("sheet header larger than its room")
        body += text
        filler = b"\x00"
    elif sheet_format == SHEET_FORMAT_JSON:
        body = json.dumps(
            {"a": answers, "g": group_id, "c": comment}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        filler = b" "
    else:
        raise ValueError(f"unknown sheet format {sheet_format}")
    if len(body) > size:
        raise ValueError("sheet larger than its padded size")
    plain = body + filler * (size - len(body))
    return bytes(SealedBox(PublicKey(public_key)).encrypt(plain))


@dataclass(frozen=True)
class SheetContent:
    """The readable content of a sheet, known only while its box is being sealed."""

    answers: str
    group_id: int | None
    comment: str


def _content(plain: bytes) -> SheetContent:
    if plain[:1] == _COMPACT_MARK:
        return _compact_content(plain)
    # The JSON layout: an object followed by spaces. Cut at its last brace (a backward
    # byte search) instead of stripping thousands of padding characters one by one.
    end = plain.rfind(b"}") + 1
    if not end or plain.count(b" ", end) != len(plain) - end:
        raise ValueError("not a sheet")
    try:
        data = json.loads(plain[:end].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("not a sheet") from exc
    if not isinstance(data, dict):
        raise ValueError("not a sheet")
    return _checked(data.get("a"), data.get("g"), data.get("c"))


def _compact_content(plain: bytes) -> SheetContent:
    line = plain.find(b"\n", 1, _HEADER_BYTES)
    if line < 0:
        raise ValueError("not a sheet")
    try:
        data = json.loads(plain[1:line].decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("not a sheet") from exc
    if not isinstance(data, dict):
        raise ValueError("not a sheet")
    length = data.get("n")
    start = line + 1
    if (
        not isinstance(length, int)
        or isinstance(length, bool)
        or length < 0
        or length % 2
        or start + length > len(plain)
    ):
        raise ValueError("not a sheet")
    end = start + length
    if plain.count(b"\x00", end) != len(plain) - end:
        raise ValueError("not a sheet")
    try:
        comment = plain[start:end].decode("utf-16-le")
    except UnicodeDecodeError as exc:  # half a surrogate pair
        raise ValueError("not a sheet") from exc
    return _checked(data.get("a"), data.get("g"), comment)


def _checked(answers: Any, group_id: Any, comment: Any) -> SheetContent:
    if not isinstance(answers, str) or not isinstance(comment, str):
        raise ValueError("not a sheet")
    if group_id is not None and (not isinstance(group_id, int) or isinstance(group_id, bool)):
        raise ValueError("not a sheet")
    return SheetContent(answers, group_id, comment)


def decrypt_sheet(private_key: PrivateKey, ciphertext: bytes) -> SheetContent:
    """Return the content of one sheet; raise ValueError when it cannot be read."""
    return decrypt_sheets(private_key, [ciphertext])[0]


def decrypt_sheets(private_key: PrivateKey, ciphertexts: Sequence[bytes]) -> list[SheetContent]:
    """Return the content of every sheet, in order, opened with one key object.

    Raise ValueError when any of them cannot be read.
    """
    box = SealedBox(private_key)
    out: list[SheetContent] = []
    for ciphertext in ciphertexts:
        try:
            plain = box.decrypt(ciphertext)
        except CryptoError as exc:
            raise ValueError("ciphertext does not open with the box key") from exc
        out.append(_content(plain))
    return out
