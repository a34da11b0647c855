#!/usr/bin/env python3
"""Independent recount of phieukin's published results, from files only (stdlib only).

Usage::

    python tools/recount.py --tally tally.json --box ballots.csv bulletin.json [--box ...]

* ``ballots.csv``: ``GET /api/v1/boxes/{box}/ballots.csv`` (columns leaf, subject, group,
  valid, answers, private, then one column per item key). A *withheld* row (a leader
  with fewer than k valid ballots in the box, hidden by the box tally, or shown there
  with a banded item) has only its ``leaf``; a leader's ``group`` column is empty on all
  its rows when one of its groups is small;
* ``bulletin.json``: ``GET /api/v1/boxes/{box}/bulletin`` (box, digest, ballots_root,
  receipts_root, format, counts, receipts);
* ``tally.json``: the published tally of that box (``GET /api/v1/boxes/{box}/tally``) or
  of a whole round (format ``phieukin-tally-v1``); a round needs one ``--box`` per ward.

The script re-derives, without importing phieukin: each box's ballots Merkle root from
the CSV (the leaf of a row from its fields, checked against its ``leaf`` column; the
``leaf`` column alone for a withheld row), the bulletin digest, the bulletin's counts
(the scan reader's check figures included: a part never exceeds its whole, and no more
sheets are checked than were scanned), and every figure of the tally that the CSV allows
(counts, percentages, means, shares, section and overall figures, flags), and checks
that no shown cell is about fewer than k people. People, as the tally engine counts
them: a leader's or a group's cell is its ballot count; a ward cell's, the largest valid
ballot count of one leader in it (one respondent fills at most one sheet per leader);
the district's, the sum of its wards'. Figures of a withheld leader must be suppressed
in the tally. A figure the export cannot recompute (a group whose rows carry no group; a
ward or the district when rows are withheld) is listed as "not verifiable from the
public export", not as a difference. It prints every difference and exits with status 1
when there is one (2 for unreadable input), 0 when everything matches.

Digest definition v3 (kept in step with phieukin/ballots/digest.py, re-implemented here):
line = UTF-8 of json.dumps([box_id, subject_id, 1|0, answers, private],
ensure_ascii=False, separators=(",", ":")), where ``private`` is the row's opaque hex
commitment to its group, source and comment (keyed with the seal's secret nonce);
leaf = sha256(0x00 + line); parent = sha256(0x01 + left + right); leaves sorted by
bytes; an odd last node is carried up; empty root = sha256(b"").hexdigest(); receipts
tree likewise over the receipt strings; digest = sha256(b"phieukin-seal-v3\\n" +
ballots_root + "\\n" + receipts_root + "\\n" + json.dumps(counts, sort_keys=True,
separators=(",", ":"))).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMAT = "phieukin-seal-v3"
PREFIX = FORMAT.encode("ascii") + b"\n"
TOLERANCE = 1e-5
FIXED_COLUMNS = ("leaf", "subject", "group", "valid", "answers", "private")
HEX64 = re.compile(r"[0-9a-f]{64}")


# ------------------------------------------------------------------ digests


def root_of_leaves(leaves: Iterable[bytes]) -> str:
    """Return the hex Merkle root of raw 32-byte *leaves* (see the module docstring)."""
    level = sorted(leaves)
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        nxt = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def merkle_root(lines: Iterable[bytes]) -> str:
    """Return the hex Merkle root of *lines* (leaf = sha256(0x00 + line))."""
    return root_of_leaves(hashlib.sha256(b"\x00" + line).digest() for line in lines)


@dataclass(frozen=True)
class Row:
    """One CSV row; a withheld row has only its leaf (``subject`` is None)."""

    leaf: str
    subject: int | None = None
    group: str = ""
    valid: bool = False
    answers: str = ""
    private: str = ""
    items: tuple[str, ...] = ()

    @property
    def withheld(self) -> bool:
        return self.subject is None


@dataclass
class Box:
    """A box's rows with the facts of its bulletin the tally check needs."""

    box_id: int
    rows: Sequence[Row]
    subjects: tuple[int, ...] = ()
    per_subject: dict[int, int] = field(default_factory=dict)

    @property
    def withheld(self) -> int:
        return sum(r.withheld for r in self.rows)


def read_csv(text: str) -> tuple[list[str], list[Row]]:
    """Return the item keys and the rows of an exported ballots CSV."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    width = len(FIXED_COLUMNS)
    if header is None or tuple(header[:width]) != FIXED_COLUMNS:
        raise ValueError("tiêu đề CSV không đúng")
    keys = header[width:]
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise ValueError(f"dòng {number}: số cột không đúng")
        if not HEX64.fullmatch(cells[0]):
            raise ValueError(f"dòng {number}: cột leaf không phải mã băm SHA-256")
        if cells[1] != "" and not HEX64.fullmatch(cells[5]):
            raise ValueError(f"dòng {number}: cột private không phải mã băm SHA-256")
        if cells[1] == "":
            if any(cells[1:]):
                raise ValueError(f"dòng {number}: dòng bị giữ lại nhưng vẫn có nội dung")
            rows.append(Row(leaf=cells[0]))
            continue
        rows.append(
            Row(
                leaf=cells[0],
                subject=int(cells[1]),
                group=cells[2],
                valid=cells[3] == "1",
                answers=cells[4],
                private=cells[5],
                items=tuple(cells[width:]),
            )
        )
    return keys, rows


def canonical_line(box_id: int, row: Row) -> bytes:
    """Return the canonical v3 line of a released row."""
    record = [box_id, row.subject, 1 if row.valid else 0, row.answers, row.private]
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def row_leaf(box_id: int, row: Row) -> str:
    """Return the hex leaf of a released row, computed from its fields."""
    return hashlib.sha256(b"\x00" + canonical_line(box_id, row)).hexdigest()


def check_bulletin(rows: Sequence[Row], bulletin: dict[str, Any]) -> list[str]:
    """Return the differences between a box's CSV and its bulletin."""
    problems: list[str] = []
    box_id = int(bulletin["box"])
    where = f"hòm {box_id}"
    if bulletin.get("format") != FORMAT:
        return [
            f"{where}: bản tin theo định dạng {bulletin.get('format', '(không ghi)')}, "
            f"công cụ này chỉ kiểm được định dạng {FORMAT}"
        ]
    leaves: list[bytes] = []
    for number, r in enumerate(rows, start=2):
        if not r.withheld:
            computed = row_leaf(box_id, r)
            if computed != r.leaf:
                problems.append(
                    f"{where}: dòng {number}: cột leaf {r.leaf[:16]}… không khớp nội dung "
                    f"của dòng ({computed[:16]}…)"
                )
            leaves.append(bytes.fromhex(computed))
        else:
            leaves.append(bytes.fromhex(r.leaf))
    root = root_of_leaves(leaves)
    if root != bulletin["ballots_root"]:
        problems.append(
            f"{where}: gốc Merkle của phiếu {root} ≠ bản tin {bulletin['ballots_root']}"
        )
    receipts = [str(r).encode("utf-8") for r in bulletin.get("receipts", [])]
    receipts_root = merkle_root(receipts)
    if receipts_root != bulletin["receipts_root"]:
        problems.append(f"{where}: gốc Merkle của biên nhận không khớp bản tin")
    counts = bulletin["counts"]
    payload = (
        PREFIX
        + bulletin["ballots_root"].encode("ascii")
        + b"\n"
        + bulletin["receipts_root"].encode("ascii")
        + b"\n"
        + json.dumps(counts, sort_keys=True, separators=(",", ":")).encode("ascii")
    )
    if hashlib.sha256(payload).hexdigest() != bulletin["digest"]:
        problems.append(f"{where}: mã niêm phong (digest) không khớp gốc Merkle và số liệu")
    shown = [r for r in rows if not r.withheld]
    hidden = len(rows) - len(shown)
    if counts.get("ballots_total", len(rows)) != len(rows):
        problems.append(
            f"{where}: ballots_total = {counts['ballots_total']} trong bản tin, "
            f"đếm lại được {len(rows)}"
        )
    # Withheld rows may be of any kind: a published count must lie between what the
    # released rows show and that plus the withheld rows.
    expected = {
        "ballots_valid": sum(r.valid for r in shown),
        "ballots_invalid": sum(not r.valid for r in shown),
    }
    for name, value in expected.items():
        if name not in counts:
            continue
        if not value <= counts[name] <= value + hidden:
            got = str(value) if not hidden else f"{value}–{value + hidden}"
            problems.append(f"{where}: {name} = {counts[name]} trong bản tin, đếm lại được {got}")
    if "receipts" in counts and counts["receipts"] != len(receipts):
        problems.append(
            f"{where}: receipts = {counts['receipts']} trong bản tin, đếm lại được {len(receipts)}"
        )
    problems += _scan_check_problems(where, counts)
    per_subject: dict[str, int] = {}
    for r in shown:
        per_subject[str(r.subject)] = per_subject.get(str(r.subject), 0) + 1
    unreleased = 0
    for sid, n in counts.get("per_subject", {}).items():
        if str(sid) not in per_subject:
            unreleased += n
        elif per_subject[str(sid)] != n:
            problems.append(
                f"{where}: số phiếu của người được góp ý {sid} = {n} trong bản tin, "
                f"đếm lại được {per_subject[str(sid)]}"
            )
    for sid in per_subject:
        if sid not in counts.get("per_subject", {str(s): 0 for s in per_subject}):
            problems.append(f"{where}: người được góp ý {sid} không có trong bản tin")
    if "per_subject" in counts and unreleased != hidden:
        problems.append(
            f"{where}: {hidden} dòng bị giữ lại, nhưng bản tin ghi {unreleased} phiếu "
            "của những người được góp ý không được công bố"
        )
    return problems


# The scan reader's random check: each figure is a part of the one after it.
SCAN_CHECK_PARTS = (
    ("spot_copies_differing", "spot_copies"),
    ("spot_copies_differing", "spot_differences"),
    ("spot_differences", "spot_items"),
    ("corrected", "reviewed_items"),
)


def _scan_check_problems(where: str, counts: dict[str, Any]) -> list[str]:
    """Return what does not hold together in the bulletin's scan-reader check figures."""
    checks = counts.get("scan_checks") or {}
    problems = [
        f"{where}: kiểm tra máy đọc: {part} = {checks.get(part, 0)} lớn hơn "
        f"{whole} = {checks.get(whole, 0)}"
        for part, whole in SCAN_CHECK_PARTS
        if int(checks.get(part, 0)) > int(checks.get(whole, 0))
    ]
    scanned = counts.get("ballots_scanned")
    if scanned is not None and int(checks.get("spot_copies", 0)) > int(scanned):
        problems.append(
            f"{where}: kiểm tra máy đọc: {checks['spot_copies']} phiếu được kiểm tra, "
            f"nhưng bản tin chỉ ghi {scanned} phiếu quét"
        )
    return problems


def box_of(rows: Sequence[Row], bulletin: dict[str, Any]) -> Box:
    """Return the :class:`Box` of a CSV and its bulletin (for :func:`check_tally`)."""
    per_subject = {
        int(s): int(n) for s, n in bulletin.get("counts", {}).get("per_subject", {}).items()
    }
    return Box(int(bulletin["box"]), rows, tuple(per_subject), per_subject)


# ------------------------------------------------------------------- tally


@dataclass
class Counts:
    """Per item: a count per option index, plus unanswered; and the ballots."""

    n_items: int
    ballots: int = 0
    options: list[dict[int, int]] = field(default_factory=list)
    unanswered: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.options = [{} for _ in range(self.n_items)]
        self.unanswered = [0] * self.n_items

    def add(self, answers: str) -> None:
        self.ballots += 1
        for j, char in enumerate(answers):
            if char == "-":
                self.unanswered[j] += 1
            else:
                index = int(char)
                self.options[j][index] = self.options[j].get(index, 0) + 1


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= TOLERANCE


def _item_stats(item: dict[str, Any], counts: dict[int, int], low_keys: set[str]) -> dict[str, Any]:
    denom = low = unscored = 0
    total = 0.0
    for i, option in enumerate(item["options"]):
        c = counts.get(i, 0)
        if option["score"] is None:
            unscored += c
            continue
        denom += c
        total += c * float(option["score"])
        if option["key"] in low_keys:
            low += c
    return {
        "scored_answers": denom,
        "unscored": unscored,
        "low": low,
        "mean": total / denom if denom else None,
        "low_share": low / denom if denom else None,
        "good_share": (denom - low) / denom if denom else None,
    }


def _flags(mean: float | None, low_share: float | None, rules: dict[str, Any]) -> set[str]:
    flags: set[str] = set()
    if low_share is not None and low_share >= float(rules["flag_low_share"]) - 1e-12:
        flags.add("low_share")
    if mean is not None and mean < float(rules["flag_mean_below"]) - 1e-12:
        flags.add("mean_below")
    if rules.get("flag_analogy") and low_share is not None:
        if low_share > 0.5:
            flags.add("analogy_over_half_low")
        if low_share * 3 >= 2 - 1e-9:
            flags.add("analogy_two_thirds_low")
    return flags


def check_cell(cell: dict[str, Any], counts: Counts, doc: dict[str, Any]) -> list[str]:
    """Return the differences between one published cell and the recount."""
    key = cell["key"]
    rules = doc["rules"]
    figures = cell.get("figures")
    if figures is None:
        if not cell.get("suppressed"):
            return [f"{key}: ô không có số liệu nhưng không nêu lý do"]
        return []
    problems: list[str] = []
    if figures["ballots"] != counts.ballots:
        problems.append(f"{key}: {figures['ballots']} phiếu công bố, đếm lại được {counts.ballots}")
    low_keys = set(rules["low_option_keys"])
    items = doc["items"]
    means: dict[str, list[float]] = {}
    pooled: dict[str, list[int]] = {}
    any_banded: dict[str, bool] = {}
    for j, (item, published) in enumerate(zip(items, figures["items"], strict=True)):
        stats = _item_stats(item, counts.options[j], low_keys)
        where = f"{key} {item['key']}"
        section = item["section"]
        for bucket in (section, ""):
            pooled.setdefault(bucket, [0, 0])
            pooled[bucket][0] += stats["scored_answers"]
            pooled[bucket][1] += stats["low"]
            if stats["mean"] is not None:
                means.setdefault(bucket, []).append(stats["mean"])
            any_banded[bucket] = any_banded.get(bucket, False) or bool(published.get("banded"))
        flags = {f["rule"] for f in published["flags"]}
        if flags != _flags(stats["mean"], stats["low_share"], rules):
            problems.append(f"{where}: cờ tồn tại, hạn chế không khớp")
        if published.get("banded"):
            numbers = [published["mean"], published["scored_answers"]] + [
                o["count"] for o in published["options"]
            ]
            if any(x is not None for x in numbers):
                problems.append(f"{where}: nội dung trình bày theo khoảng nhưng vẫn có số đếm")
            continue
        for i, option in enumerate(published["options"]):
            c = counts.options[j].get(i, 0)
            if option["count"] != c:
                problems.append(f"{where} {option['key']}: {option['count']} công bố, đếm lại {c}")
            pct = (
                100.0 * c / stats["scored_answers"]
                if (item["options"][i]["score"] is not None and stats["scored_answers"])
                else None
            )
            if not _close(option["percent"], pct):
                problems.append(f"{where} {option['key']}: tỷ lệ {option['percent']} ≠ {pct}")
        for name in ("scored_answers", "unscored", "mean", "low_share", "good_share"):
            if not _close(published[name], stats[name]):
                problems.append(f"{where}: {name} {published[name]} ≠ {stats[name]}")
        if published["unanswered"] != counts.unanswered[j]:
            problems.append(
                f"{where}: không trả lời {published['unanswered']} ≠ {counts.unanswered[j]}"
            )
    sections = {s["key"]: s for s in figures["sections"]}
    for section_key, section in sections.items():
        expected_flagged = [
            it["key"]
            for it in figures["items"]
            if it["section"] == section_key and any(f["borrowed_from"] is None for f in it["flags"])
        ]
        if list(section["flagged_items"]) != expected_flagged:
            problems.append(f"{key} {section_key}: danh sách nội dung hạn chế không khớp")
    for bucket, published in [*sections.items(), ("", figures)]:
        if any_banded.get(bucket):
            if published["mean"] is not None:
                problems.append(
                    f"{key} {bucket or 'chung'}: điểm bình quân lộ nội dung theo khoảng"
                )
            continue
        values = means.get(bucket, [])
        mean = sum(values) / len(values) if values else None
        denom, low = pooled.get(bucket, [0, 0])
        expected = {
            "mean": mean,
            "good_share": (denom - low) / denom if denom else None,
            "low_share": low / denom if denom else None,
        }
        for name, value in expected.items():
            if not _close(published[name], value):
                problems.append(f"{key} {bucket or 'chung'}: {name} {published[name]} ≠ {value}")
    return problems


def _subject_of(key: str) -> int | None:
    if not key.startswith("subject:"):
        return None
    return int(key.split(":", 1)[1].split("/", 1)[0])


def _people_ceilings(
    doc: dict[str, Any],
    boxes: Sequence[Box],
    cells: dict[str, Counts],
    withheld_subjects: set[int],
    subject_ward: dict[int, int],
) -> dict[str, int]:
    """Return, per ward and district cell, the most people the export allows it to cover.

    As the tally engine counts them: a ward's people are its most-rated leader's valid
    ballots (one respondent fills at most one sheet per leader), the district's the sum
    of its wards'. A withheld leader's valid ballots are at most its ballots in the
    bulletin, so with withheld rows this is an upper bound; without, the exact figure.
    A ward none of whose boxes was given has no bound (and the district then neither).
    """
    wards = [doc["ward"]] if "ward" in doc else list(doc["wards"])
    ceiling: dict[int, int] = {}
    for sid, unit in subject_ward.items():
        counted = cells.get(f"subject:{sid}")
        if counted is not None:
            ceiling[unit] = max(ceiling.get(unit, 0), counted.ballots)
    covered: set[int] = set()
    for box in boxes:
        known = set(box.subjects) | {r.subject for r in box.rows if r.subject is not None}
        covered |= {subject_ward[s] for s in known if s in subject_ward}
        for sid in set(box.subjects) & withheld_subjects:
            if sid in subject_ward:
                unit = subject_ward[sid]
                ceiling[unit] = max(ceiling.get(unit, 0), box.per_subject.get(sid, 0))
    result = {f"ward:{unit}": ceiling.get(unit, 0) for unit in covered}
    units = {int(w["unit"]) for w in wards}
    if units <= covered:
        result["district"] = sum(ceiling.get(unit, 0) for unit in units)
    return result


def check_tally(
    doc: dict[str, Any], boxes: Sequence[Box], notes: list[str] | None = None
) -> list[str]:
    """Return the differences between a published tally document and the ballots.

    Figures the public export cannot recompute are appended to *notes* (when given) as
    "not verifiable from the public export"; they are not differences.
    """
    if notes is None:
        notes = []
    if doc.get("format") != "phieukin-tally-v1":
        return ["tài liệu kết quả không đúng định dạng phieukin-tally-v1"]
    n_items = len(doc["items"])
    k = int(doc["rules"]["k"])
    wards = [doc["ward"]] if "ward" in doc else list(doc["wards"])
    subject_ward: dict[int, int] = {}
    for ward in wards:
        for st in ward["subjects"]:
            subject_ward[int(st["subject"])] = int(ward["unit"])
    cells: dict[str, Counts] = {}

    def bump(cell_key: str, answers: str) -> None:
        cells.setdefault(cell_key, Counts(n_items)).add(answers)

    problems: list[str] = []
    item_keys = [i["key"] for i in doc["items"]]
    released: set[int] = set()
    grouped: set[int] = set()
    withheld_subjects: set[int] = set()
    withheld_in: dict[str, int] = {}
    for box in boxes:
        box_id = box.box_id
        for r in box.rows:
            if r.subject is None:
                continue
            released.add(r.subject)
            if r.group:
                grouped.add(r.subject)
            if len(r.answers) != n_items:
                problems.append(f"hòm {box_id}: phiếu có chuỗi trả lời sai độ dài")
                continue
            for j, char in enumerate(r.answers):
                expected = "" if char == "-" else doc["items"][j]["options"][int(char)]["key"]
                if r.items and r.items[j] != expected:
                    problems.append(
                        f"hòm {box_id}: cột {item_keys[j]} ({r.items[j]}) khác chuỗi trả lời"
                    )
                    break
            if not r.valid:
                continue
            if r.subject not in subject_ward:
                problems.append(
                    f"hòm {box_id}: người được góp ý {r.subject} không có trong kết quả"
                )
                continue
            bump("district", r.answers)
            bump(f"ward:{subject_ward[r.subject]}", r.answers)
            bump(f"subject:{r.subject}", r.answers)
            if r.group:
                bump(f"subject:{r.subject}/group:{r.group}", r.answers)
        if box.withheld:
            known = set(box.subjects) | {r.subject for r in box.rows if r.subject is not None}
            withheld_subjects |= set(box.subjects)
            box_wards = {subject_ward[s] for s in known if s in subject_ward}
            for unit in box_wards or {int(w["unit"]) for w in wards}:
                withheld_in[f"ward:{unit}"] = withheld_in.get(f"ward:{unit}", 0) + box.withheld
            withheld_in["district"] = withheld_in.get("district", 0) + box.withheld
    withheld_subjects -= released
    people_ceiling = _people_ceilings(doc, boxes, cells, withheld_subjects, subject_ward)
    banded_subjects = {
        int(st["subject"])
        for ward in wards
        for st in ward["subjects"]
        if st["total"].get("figures")
        and any(i.get("banded") for i in st["total"]["figures"]["items"])
    }
    published: list[dict[str, Any]] = []
    if "district" in doc:
        published.append(doc["district"])
    for ward in wards:
        published.append(ward["total"])
        for st in ward["subjects"]:
            published.append(st["total"])
            published.extend(st["groups"])
    for cell in published:
        key = cell["key"]
        figures = cell.get("figures")
        counted = cells.get(key, Counts(n_items))
        sid = _subject_of(key)
        if figures is None:
            problems.extend(check_cell(cell, counted, doc))
            continue
        # A shown cell must be about at least k people (a leader's or a group's cell:
        # its ballots; a ward's: its most-rated leader; the district: its wards).
        people = people_ceiling.get(key, figures["ballots"])
        if people < k:
            problems.append(f"{key}: công bố số liệu về {people} người, dưới ngưỡng k = {k}")
        if sid is not None and sid in withheld_subjects:
            if sid not in banded_subjects:
                problems.append(
                    f"{key}: công bố số liệu về người được góp ý có phiếu bị giữ lại "
                    f"(dưới ngưỡng k = {k})"
                )
            else:
                notes.append(f"{key}: trình bày theo khoảng, các dòng phiếu bị giữ lại")
        elif key in withheld_in:
            hidden = withheld_in[key]
            if not counted.ballots <= figures["ballots"] <= counted.ballots + hidden:
                problems.append(
                    f"{key}: {figures['ballots']} phiếu công bố, đếm lại được "
                    f"{counted.ballots}–{counted.ballots + hidden}"
                )
            notes.append(f"{key}: {hidden} dòng phiếu bị giữ lại")
        elif sid is not None and "/group:" in key and sid not in grouped:
            notes.append(f"{key}: cột nhóm để trống")
        else:
            problems.extend(check_cell(cell, counted, doc))
    return problems


# --------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Run the recount; return the exit status."""
    parser = argparse.ArgumentParser(description="Kiểm phiếu lại độc lập (phieukin).")
    parser.add_argument("--tally", required=True, help="kết quả đã công bố (JSON)")
    parser.add_argument(
        "--box",
        nargs=2,
        action="append",
        required=True,
        metavar=("BALLOTS_CSV", "BULLETIN_JSON"),
        help="phiếu ẩn danh (CSV) và bản tin niêm phong (JSON) của một hòm",
    )
    args = parser.parse_args(argv)
    try:
        with open(args.tally, encoding="utf-8") as fh:
            doc = json.load(fh)
        boxes: list[Box] = []
        bulletin_problems: list[str] = []
        for csv_path, bulletin_path in args.box:
            with open(csv_path, encoding="utf-8", newline="") as fh:
                _keys, rows = read_csv(fh.read())
            with open(bulletin_path, encoding="utf-8") as fh:
                bulletin = json.load(fh)
            bulletin_problems.extend(check_bulletin(rows, bulletin))
            boxes.append(box_of(rows, bulletin))
    except (OSError, ValueError, KeyError) as exc:
        print(f"Không đọc được dữ liệu: {exc}", file=sys.stderr)
        return 2
    notes: list[str] = []
    problems = bulletin_problems + check_tally(doc, boxes, notes)
    total = sum(len(b.rows) for b in boxes)
    withheld = sum(b.withheld for b in boxes)
    for note in notes:
        print(f"KHÔNG KIỂM ĐƯỢC TỪ BẢN CÔNG KHAI: {note}")
    if withheld:
        print(f"{withheld} dòng phiếu bị giữ lại (người được góp ý có dưới k phiếu hợp lệ).")
    if problems:
        for problem in problems:
            print(f"SAI LỆCH: {problem}")
        print(f"Có {len(problems)} sai lệch ({len(boxes)} hòm, {total} phiếu).")
        return 1
    if notes:
        print(
            f"Khớp: {len(boxes)} hòm, {total} phiếu; mọi số liệu kiểm được đều đúng, "
            f"{len(notes)} ô không kiểm được từ bản công khai."
        )
        return 0
    print(f"Khớp: {len(boxes)} hòm, {total} phiếu; mọi số liệu đã công bố được tính lại đúng.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
