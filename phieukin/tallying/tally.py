"""The tally engine: counts, means, flags and disclosure control. Pure: no Django.

Input is a questionnaire shape, the round's rules, a layout (wards, subjects, respondent
groups) and the ballots as arrays; output is a tree of frozen dataclasses
(:class:`RoundTally` → :class:`WardTally` → :class:`SubjectTally` → :class:`Cell`).

Disclosure control lives here, not in the screens, so no caller can forget it:

* A cell (a set of ballots: a subject, a subject's respondent group, a ward, the district)
  about fewer than *k* people carries no number at all, only the reason. Each respondent
  fills one sheet per leader, so a cell spanning several leaders is sized by a lower
  bound on its people, not by its sheets: per ward the largest per-leader count of valid
  ballots, summed over wards (:func:`people`). A box of 3 respondents and 2 leaders holds
  6 sheets but only 3 people.
* Complementary suppression. The cells form a tree (district ⊃ wards ⊃ subjects ⊃
  groups, with a never-shown "no group" leaf under each subject). What a reader can
  compute by subtraction is, for each shown cell, its *block*: the cell minus its
  largest shown sub-cells. Every shown figure and every difference of shown figures is
  a union of blocks, so when every block is empty or is about at least *k* people (the
  people bound grows with the set), no set about fewer than *k* people can be computed
  back. The engine hides further cells (the smallest first) until that holds. Figures
  published earlier (``released``, in sheets) count as shown, and a cell whose growth
  since its last release may be about fewer than *k* people is hidden ("a cumulative
  figure minus the previous one"): a growth of *d* sheets over at most *L* leaders of a
  ward is about at least *d / L* people, so it must reach *k · L* sheets.
* Comments only for subjects with at least *k_comments* valid ballots, shuffled, bare text.
* A small cell (fewer than ``unanimity_below`` people, default 2k) in which everyone who
  answered an item chose the same option would reveal each vote: that item is shown in
  bands ("≥ 80 %") without counts or mean, with a warning; the banding is carried up to
  a parent that would otherwise give the exact figures away by subtraction.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

UNANSWERED_CODE: Final = 10
"""Column index of "unanswered" in the per-item count arrays (options use 0–9)."""
SLOTS: Final = 11

# Reasons a cell carries no figures.
BELOW_K: Final = "below_k"
COMPLEMENTARY: Final = "complementary"
CUMULATIVE: Final = "cumulative"
INCOMPLETE: Final = "incomplete"

# Flag rules (tồn tại, hạn chế).
FLAG_LOW_SHARE: Final = "low_share"
FLAG_MEAN_BELOW: Final = "mean_below"
FLAG_ANALOGY_HALF: Final = "analogy_over_half_low"
FLAG_ANALOGY_TWO_THIRDS: Final = "analogy_two_thirds_low"
ANALOGY_SOURCE: Final = "QĐ 96"

# Warnings.
WARN_UNANIMOUS: Final = "unanimous_small_group"
WARN_BANDED_FOR_OTHERS: Final = "banded_to_protect_another_cell"

BANDS: Final = ("< 20 %", "20–40 %", "40–60 %", "60–80 %", "≥ 80 %")

IntArray = npt.NDArray[np.int64]


class TallyInputError(ValueError):
    """Ballot arrays that do not fit the questionnaire; ``code`` names the problem."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}".strip(": "))
        self.code = code
        self.detail = detail


# ---------------------------------------------------------------------------- input


@dataclass(frozen=True)
class ItemShape:
    """An item as the tally sees it; ``scores[i]`` is None for an unscored option."""

    key: str
    section: str
    option_keys: tuple[str, ...]
    scores: tuple[float | None, ...]


@dataclass(frozen=True)
class Shape:
    """The questionnaire: items in ballot order and section keys in display order."""

    items: tuple[ItemShape, ...]
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """The round's disclosure and flag rules."""

    k: int = 5
    k_comments: int = 8
    flag_low_share: float = 0.2
    flag_mean_below: float = 3.0
    flag_analogy: bool = True
    low_option_keys: tuple[str, ...] = ("trung_binh", "yeu")
    unanimity_below: int | None = None

    @property
    def small_group(self) -> int:
        """Return the people count under which a unanimous item is banded."""
        return self.unanimity_below if self.unanimity_below is not None else 2 * self.k


@dataclass(frozen=True)
class Layout:
    """Who is tallied: wards, subjects (with their ward) and respondent groups.

    Ballot arrays refer to subjects and groups by their index in these tuples.
    """

    wards: tuple[int, ...]
    subjects: tuple[int, ...]
    subject_ward: tuple[int, ...]
    groups: tuple[str, ...] = ()
    district: int | None = None


@dataclass(frozen=True)
class BallotArrays:
    """Ballots as columns: subject index, group index (-1: none), valid, answers matrix.

    ``answers`` is an (n, items) uint8 matrix of option indexes with
    :data:`UNANSWERED_CODE` for unanswered; ``comments`` maps a subject index to the
    non-empty comments of its valid ballots.
    """

    subject: npt.NDArray[np.int64]
    group: npt.NDArray[np.int64]
    valid: npt.NDArray[np.bool_]
    answers: npt.NDArray[np.uint8]
    comments: Mapping[int, Sequence[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.subject.shape[0])


def answers_matrix(compact: Sequence[str], n_items: int) -> npt.NDArray[np.uint8]:
    """Return the (n, n_items) option matrix of compact answer strings, set-based.

    The strings are joined with a newline and read with ``np.frombuffer``; the newline
    column proves every string had the right length without a loop per ballot.
    """
    n = len(compact)
    if n == 0:
        return np.zeros((0, n_items), dtype=np.uint8)
    joined = ("\n".join(compact) + "\n").encode("ascii", errors="replace")
    raw = np.frombuffer(joined, dtype=np.uint8)
    if raw.shape[0] != n * (n_items + 1):
        raise TallyInputError("wrong_length")
    grid = raw.reshape(n, n_items + 1)
    if not bool(np.all(grid[:, n_items] == ord("\n"))):
        raise TallyInputError("wrong_length")
    return _decode_grid(grid[:, :n_items])


def answers_from_blob(blob: bytes, n_items: int) -> npt.NDArray[np.uint8]:
    """Return the option matrix of answer strings concatenated without separators.

    The caller vouches that every string had ``n_items`` characters (e.g. checked by
    the database with MIN/MAX of their lengths).
    """
    if n_items == 0 or len(blob) % n_items:
        raise TallyInputError("wrong_length")
    raw = np.frombuffer(blob, dtype=np.uint8)
    return _decode_grid(raw.reshape(len(blob) // n_items, n_items))


def _decode_grid(cells: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    digits = cells - np.uint8(ord("0"))  # wraps for '-' and anything below '0'
    is_digit = digits <= 9
    is_blank = cells == ord("-")
    if not bool(np.all(is_digit | is_blank)):
        raise TallyInputError("bad_character")
    return np.where(is_digit, digits, np.uint8(UNANSWERED_CODE)).astype(np.uint8)


def ballot_arrays(
    *,
    subject: Sequence[int] | npt.NDArray[np.int64],
    group: Sequence[int] | npt.NDArray[np.int64],
    valid: Sequence[bool] | npt.NDArray[np.bool_],
    answers: Sequence[str],
    n_items: int,
    comments: Mapping[int, Sequence[str]] | None = None,
) -> BallotArrays:
    """Return :class:`BallotArrays` from columns (compact answer strings)."""
    return BallotArrays(
        subject=np.asarray(subject, dtype=np.int64),
        group=np.asarray(group, dtype=np.int64),
        valid=np.asarray(valid, dtype=np.bool_),
        answers=answers_matrix(answers, n_items),
        comments=dict(comments or {}),
    )


# --------------------------------------------------------------------------- output


@dataclass(frozen=True)
class OptionFigure:
    """One option of an item: count and % over the item's scored answers.

    ``count`` and ``percent`` are None when the item is banded; ``percent`` is None for
    an unscored option (it is outside the denominator).
    """

    key: str
    scored: bool
    low: bool
    count: int | None
    percent: float | None
    band: str | None = None


@dataclass(frozen=True)
class Flag:
    """A weakness (tồn tại, hạn chế) flagged on an item by a named rule."""

    item: str
    rule: str
    borrowed_from: str | None = None


@dataclass(frozen=True)
class ItemFigures:
    """Per item: options, the denominator (scored answers), mean, low and good shares."""

    key: str
    section: str
    options: tuple[OptionFigure, ...]
    scored_answers: int | None
    unscored: int | None
    unanswered: int | None
    mean: float | None
    low_share: float | None
    good_share: float | None
    flags: tuple[Flag, ...]
    banded: bool = False


@dataclass(frozen=True)
class SectionFigures:
    """Per section: mean of item means, share of good (Tốt + Khá) and low ratings.

    ``flagged_items`` lists the items flagged by the round's own rule; the QĐ 96 analogy
    flags are for information and do not count.
    """

    key: str
    mean: float | None
    good_share: float | None
    low_share: float | None
    flagged_items: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    """The figures of a cell that is shown (at least k valid ballots)."""

    ballots: int
    items: tuple[ItemFigures, ...]
    sections: tuple[SectionFigures, ...]
    mean: float | None
    good_share: float | None
    low_share: float | None
    flags: tuple[Flag, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    """A set of ballots: either its figures, or only the reason it is suppressed."""

    key: str
    figures: Figures | None
    suppressed: str | None = None

    @property
    def shown(self) -> bool:
        return self.figures is not None


@dataclass(frozen=True)
class SubjectTally:
    """One evaluated leader: total, per respondent group, comments."""

    subject: int
    total: Cell
    groups: tuple[Cell, ...]
    comments: tuple[str, ...] | None
    comments_suppressed: str | None = None


@dataclass(frozen=True)
class WardTally:
    """One ward (one box): all its subjects pooled, and each subject."""

    unit: int
    total: Cell
    subjects: tuple[SubjectTally, ...]

    def subject(self, subject_id: int) -> SubjectTally:
        """Return the tally of one of the ward's subjects."""
        for st in self.subjects:
            if st.subject == subject_id:
                return st
        raise KeyError(subject_id)


@dataclass(frozen=True)
class RoundTally:
    """The district (all wards pooled) and every ward."""

    total: Cell
    wards: tuple[WardTally, ...]
    k: int
    k_comments: int
    released: Mapping[str, int] = field(default_factory=dict)

    def published_counts(self) -> dict[str, int]:
        """Return cell key → ballots of every shown cell (pass as ``released`` later)."""
        out: dict[str, int] = {}
        for cell in iter_cells(self):
            if cell.figures is not None:
                out[cell.key] = cell.figures.ballots
        return out

    def subject(self, subject_id: int) -> SubjectTally:
        """Return the tally of one subject."""
        for ward in self.wards:
            for st in ward.subjects:
                if st.subject == subject_id:
                    return st
        raise KeyError(subject_id)


def iter_cells(tally: RoundTally) -> list[Cell]:
    """Return every cell of the tally, district first."""
    cells = [tally.total]
    for ward in tally.wards:
        cells.append(ward.total)
        for st in ward.subjects:
            cells.append(st.total)
            cells.extend(st.groups)
    return cells


def district_key() -> str:
    return "district"


def ward_key(unit: int) -> str:
    return f"ward:{unit}"


def subject_key(subject: int) -> str:
    return f"subject:{subject}"


def group_key(subject: int, group: str) -> str:
    return f"subject:{subject}/group:{group}"


# ---------------------------------------------------------------------------- core


@dataclass
class _Node:
    key: str
    counts: IntArray  # (items, SLOTS)
    ballots: int
    emitted: bool = True
    children: list[_Node] = field(default_factory=list)
    hidden: str | None = None
    released_same: bool = False
    banded: set[int] = field(default_factory=set)
    unanimous: set[int] = field(default_factory=set)
    # Valid ballots per leader (subject index) within the cell, and each leader's ward.
    per_leader: dict[int, int] = field(default_factory=dict)
    subject_ward: Sequence[int] = ()

    @property
    def people(self) -> int:
        """Return the lower bound on the people this cell is about (see :func:`people`)."""
        return people(self.per_leader, self.subject_ward)

    @property
    def span(self) -> int:
        """Return the most leaders of one ward within this cell (1 for a leader's cell)."""
        per_ward: dict[int, int] = {}
        for s in self.per_leader:
            per_ward[self.subject_ward[s]] = per_ward.get(self.subject_ward[s], 0) + 1
        return max(per_ward.values(), default=1)

    @property
    def visible(self) -> bool:
        return self.emitted and self.hidden is None

    @property
    def known(self) -> bool:
        """Return whether a reader has this cell's figures: shown now, or earlier unchanged."""
        return self.visible or self.released_same


def people(per_leader: Mapping[int, int], subject_ward: Sequence[int]) -> int:
    """Return a lower bound on the people behind *per_leader* (leader index → ballots).

    One respondent fills at most one sheet per leader of their ward, so a ward's ballots
    come from at least as many people as its most-rated leader got; wards (boxes) hold
    different people, so their bounds add up.
    """
    best: dict[int, int] = {}
    for s, n in per_leader.items():
        w = subject_ward[s]
        if n > best.get(w, 0):
            best[w] = n
    return sum(best.values())


def count_atoms(
    ballots: BallotArrays, n_subjects: int, n_groups: int, n_items: int
) -> tuple[IntArray, IntArray]:
    """Return counts per (subject, group slot, item, option slot) and ballots per atom.

    Group slot 0 is "no group"; group index g lands in slot g + 1. Only valid ballots
    count. One ``np.bincount`` per item column: no loop per ballot.
    """
    n_slots = n_groups + 1
    n_atoms = n_subjects * n_slots
    if ballots.answers.shape[1:] != (n_items,) and len(ballots):
        raise TallyInputError("wrong_width")
    keep = ballots.valid
    subject = ballots.subject[keep]
    group = ballots.group[keep]
    answers = ballots.answers[keep]
    if subject.size and (subject.min() < 0 or subject.max() >= n_subjects):
        raise TallyInputError("unknown_subject")
    if group.size and (group.min() < -1 or group.max() >= n_groups):
        raise TallyInputError("unknown_group")
    atom = subject * n_slots + (group + 1)
    per_atom = np.bincount(atom, minlength=n_atoms).astype(np.int64)
    counts = np.zeros((n_atoms, n_items, SLOTS), dtype=np.int64)
    base = atom * SLOTS
    for j in range(n_items):
        column = answers[:, j].astype(np.int64)
        counts[:, j, :] = np.bincount(base + column, minlength=n_atoms * SLOTS).reshape(
            n_atoms, SLOTS
        )
    return (
        counts.reshape(n_subjects, n_slots, n_items, SLOTS),
        per_atom.reshape(n_subjects, n_slots),
    )


def _check_options(shape: Shape, counts: IntArray) -> None:
    for j, item in enumerate(shape.items):
        beyond = counts[..., j, len(item.option_keys) : UNANSWERED_CODE]
        if int(beyond.sum()):
            raise TallyInputError("unknown_option", item.key)


def _band(share: float) -> str:
    return BANDS[min(int(share * 5 + 1e-9), 4)]


def _item_figures(item: ItemShape, row: IntArray, rules: Rules, banded: bool) -> ItemFigures:
    n_opt = len(item.option_keys)
    opt_counts = [int(c) for c in row[:n_opt]]
    scored = [s is not None for s in item.scores]
    low = [key in rules.low_option_keys for key in item.option_keys]
    denom = sum(c for c, s in zip(opt_counts, scored, strict=True) if s)
    unscored = sum(c for c, s in zip(opt_counts, scored, strict=True) if not s)
    low_count = sum(c for c, s, lo in zip(opt_counts, scored, low, strict=True) if s and lo)
    good_count = denom - low_count
    mean: float | None = None
    low_share: float | None = None
    good_share: float | None = None
    if denom:
        total = sum(
            c * float(sc) for c, sc in zip(opt_counts, item.scores, strict=True) if sc is not None
        )
        mean = total / denom
        low_share = low_count / denom
        good_share = good_count / denom
    flags = _flags(item.key, mean, low_share, rules)
    options: list[OptionFigure] = []
    for key, c, s, lo in zip(item.option_keys, opt_counts, scored, low, strict=True):
        pct = 100.0 * c / denom if (s and denom) else None
        if banded:
            answered = denom + unscored
            options.append(
                OptionFigure(
                    key=key,
                    scored=s,
                    low=lo,
                    count=None,
                    percent=None,
                    band=_band(c / answered) if answered else None,
                )
            )
        else:
            options.append(OptionFigure(key=key, scored=s, low=lo, count=c, percent=pct))
    if banded:
        return ItemFigures(
            key=item.key,
            section=item.section,
            options=tuple(options),
            scored_answers=None,
            unscored=None,
            unanswered=None,
            mean=None,
            low_share=None,
            good_share=None,
            flags=flags,
            banded=True,
        )
    return ItemFigures(
        key=item.key,
        section=item.section,
        options=tuple(options),
        scored_answers=denom,
        unscored=unscored,
        unanswered=int(row[UNANSWERED_CODE]),
        mean=mean,
        low_share=low_share,
        good_share=good_share,
        flags=flags,
    )


def _flags(key: str, mean: float | None, low_share: float | None, rules: Rules) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    if low_share is not None and low_share >= rules.flag_low_share - 1e-12:
        flags.append(Flag(key, FLAG_LOW_SHARE))
    if mean is not None and mean < rules.flag_mean_below - 1e-12:
        flags.append(Flag(key, FLAG_MEAN_BELOW))
    if rules.flag_analogy and low_share is not None:
        if low_share > 0.5:
            flags.append(Flag(key, FLAG_ANALOGY_HALF, ANALOGY_SOURCE))
        if low_share * 3 >= 2 - 1e-9:
            flags.append(Flag(key, FLAG_ANALOGY_TWO_THIRDS, ANALOGY_SOURCE))
    return tuple(flags)


def _unanimous_items(shape: Shape, counts: IntArray) -> set[int]:
    out: set[int] = set()
    for j, item in enumerate(shape.items):
        opts = counts[j, : len(item.option_keys)]
        answered = int(opts.sum())
        if answered and int(opts.max()) == answered:
            out.add(j)
    return out


def _figures(shape: Shape, rules: Rules, node: _Node) -> Figures:
    items = tuple(
        _item_figures(item, node.counts[j], rules, j in node.banded)
        for j, item in enumerate(shape.items)
    )
    sections: list[SectionFigures] = []
    for section in shape.sections:
        idx = [j for j, it in enumerate(shape.items) if it.section == section]
        sections.append(
            _section(
                section, [items[j] for j in idx], [shape.items[j] for j in idx], node, idx, rules
            )
        )
    all_idx = list(range(len(shape.items)))
    overall = _section("", list(items), list(shape.items), node, all_idx, rules)
    flags = tuple(f for it in items for f in it.flags)
    warnings: list[str] = []
    if node.unanimous:
        warnings.append(WARN_UNANIMOUS)
    if node.banded - node.unanimous:
        warnings.append(WARN_BANDED_FOR_OTHERS)
    return Figures(
        ballots=node.ballots,
        items=items,
        sections=tuple(sections),
        mean=overall.mean,
        good_share=overall.good_share,
        low_share=overall.low_share,
        flags=flags,
        warnings=tuple(warnings),
    )


def _section(
    key: str,
    figures: list[ItemFigures],
    shapes: list[ItemShape],
    node: _Node,
    idx: list[int],
    rules: Rules,
) -> SectionFigures:
    flagged = tuple(f.key for f in figures if any(g.borrowed_from is None for g in f.flags))
    if any(f.banded for f in figures):
        # A section figure over a banded item would give that item back by subtraction.
        return SectionFigures(
            key=key, mean=None, good_share=None, low_share=None, flagged_items=flagged
        )
    means = [f.mean for f in figures if f.mean is not None]
    denom = 0
    low = 0
    for j, item in zip(idx, shapes, strict=True):
        for o, (okey, score) in enumerate(zip(item.option_keys, item.scores, strict=True)):
            if score is None:
                continue
            c = int(node.counts[j, o])
            denom += c
            if okey in rules.low_option_keys:
                low += c
    return SectionFigures(
        key=key,
        mean=sum(means) / len(means) if means else None,
        good_share=(denom - low) / denom if denom else None,
        low_share=low / denom if denom else None,
        flagged_items=flagged,
    )


def _frontier(node: _Node) -> list[_Node]:
    """Return the largest known sub-cells of *node* (shown now or released unchanged)."""
    out: list[_Node] = []
    for child in node.children:
        if child.known:
            out.append(child)
        else:
            out.extend(_frontier(child))
    return out


def _block(node: _Node) -> int:
    return node.ballots - sum(c.ballots for c in _frontier(node))


def _block_people(node: _Node) -> int:
    """Return the people bound of the block: the cell minus its largest known sub-cells."""
    rest = dict(node.per_leader)
    for sub in _frontier(node):
        for s, n in sub.per_leader.items():
            rest[s] -= n
    return people(rest, node.subject_ward)


def _all_nodes(root: _Node) -> list[_Node]:
    out = [root]
    for child in root.children:
        out.extend(_all_nodes(child))
    return out


def _suppress(root: _Node, rules: Rules, released: Mapping[str, int]) -> None:
    nodes = _all_nodes(root)
    for node in nodes:
        if not node.emitted:
            continue
        size = node.people
        node.released_same = released.get(node.key) == node.ballots and size >= rules.k
        if node.hidden is not None:
            continue
        if size < rules.k:
            node.hidden = BELOW_K
        elif node.key in released:
            grown = node.ballots - released[node.key]
            if grown != 0 and abs(grown) < rules.k * node.span:
                node.hidden = CUMULATIVE
    stuck: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in nodes:
            if not node.known or node.key in stuck:
                continue
            block = _block_people(node)
            if 0 < block < rules.k:
                candidates = sorted(
                    (c for c in _frontier(node) if c.visible and not c.released_same),
                    key=lambda c: (c.people, c.ballots, c.key),
                )
                if candidates:
                    # The whole sub-tree goes: a hidden cell whose parts stay shown would
                    # still be their sum.
                    for sub in _all_nodes(candidates[0]):
                        if sub.visible and not sub.released_same:
                            sub.hidden = COMPLEMENTARY
                elif node.visible and not node.released_same:
                    node.hidden = COMPLEMENTARY
                else:
                    # Released earlier exactly as it is: nothing shown now can change that.
                    stuck.add(node.key)
                    continue
                changed = True


def _band_items(root: _Node, shape: Shape, rules: Rules) -> None:
    """Band unanimous items of small cells, bottom-up, with complementary banding.

    Where a shown cell equals the sum of its shown parts (empty block), an item banded in
    exactly one part could be computed back as the cell minus the other parts; the same
    item is then banded in a second part (the smallest whose own figures cannot be
    summed from below: a leaf, or one with a non-empty block), or in the cell itself when
    there is no such part. A part published earlier cannot be banded now, unless the
    cell itself was published unchanged: then this is the same computation over the same
    ballots, and it reproduces the earlier decisions.
    """
    for child in root.children:
        _band_items(child, shape, rules)
    if not root.visible:
        return
    if root.people < rules.small_group:
        root.unanimous = _unanimous_items(shape, root.counts)
        root.banded |= root.unanimous
    if _block(root) != 0:
        return
    front = _frontier(root)
    for j in sorted(set().union(*(c.banded for c in front)) if front else set()):
        if sum(j in c.banded for c in front) != 1:
            continue
        candidates = sorted(
            (
                c
                for c in front
                if j not in c.banded
                and c.visible
                and (root.released_same or not c.released_same)
                and (not _frontier(c) or _block(c) > 0)
            ),
            key=lambda c: (c.ballots, c.key),
        )
        if candidates:
            candidates[0].banded.add(j)
        else:
            root.banded.add(j)


def _build_tree(
    layout: Layout, counts: IntArray, per_atom: IntArray
) -> tuple[_Node, list[_Node], list[_Node]]:
    """Return the district node, the ward nodes and the subject nodes of the cell tree."""
    n_subjects = len(layout.subjects)
    n_items = counts.shape[2]
    sw = layout.subject_ward
    subject_nodes: list[_Node] = []
    for s, sid in enumerate(layout.subjects):
        children = [
            _Node(
                key=f"subject:{sid}/nogroup",
                counts=counts[s, 0],
                ballots=int(per_atom[s, 0]),
                emitted=False,
                per_leader={s: int(per_atom[s, 0])},
                subject_ward=sw,
            )
        ]
        for g, gkey in enumerate(layout.groups):
            children.append(
                _Node(
                    key=group_key(sid, gkey),
                    counts=counts[s, g + 1],
                    ballots=int(per_atom[s, g + 1]),
                    per_leader={s: int(per_atom[s, g + 1])},
                    subject_ward=sw,
                )
            )
        subject_nodes.append(
            _Node(
                key=subject_key(sid),
                counts=counts[s].sum(axis=0),
                ballots=int(per_atom[s].sum()),
                children=children,
                per_leader={s: int(per_atom[s].sum())},
                subject_ward=sw,
            )
        )
    ward_nodes: list[_Node] = []
    for w, unit in enumerate(layout.wards):
        members = [s for s in range(n_subjects) if sw[s] == w]
        kids = [subject_nodes[s] for s in members]
        ward_nodes.append(
            _Node(
                key=ward_key(unit),
                counts=(
                    np.sum([k.counts for k in kids], axis=0)
                    if kids
                    else np.zeros((n_items, SLOTS), dtype=np.int64)
                ),
                ballots=sum(k.ballots for k in kids),
                children=kids,
                per_leader={s: subject_nodes[s].ballots for s in members},
                subject_ward=sw,
            )
        )
    root = _Node(
        key=district_key(),
        counts=(
            np.sum([w.counts for w in ward_nodes], axis=0)
            if ward_nodes
            else np.zeros((n_items, SLOTS), dtype=np.int64)
        ),
        ballots=sum(w.ballots for w in ward_nodes),
        children=ward_nodes,
        per_leader={s: subject_nodes[s].ballots for s in range(n_subjects)},
        subject_ward=sw,
    )
    return root, ward_nodes, subject_nodes


def atom_ballots(ballots: BallotArrays, layout: Layout) -> IntArray:
    """Return the valid ballots per (subject, group slot); slot 0 is "no group"."""
    n_slots = len(layout.groups) + 1
    keep = ballots.valid
    atom = ballots.subject[keep] * n_slots + (ballots.group[keep] + 1)
    return (
        np.bincount(atom, minlength=len(layout.subjects) * n_slots)
        .astype(np.int64)
        .reshape(len(layout.subjects), n_slots)
    )


def published_counts(
    *,
    rules: Rules,
    layout: Layout,
    per_atom: IntArray,
    released: Mapping[str, int] | None = None,
    complete: bool = True,
) -> dict[str, int]:
    """Return key → ballots of the cells :func:`tally` would show, without the figures.

    Which cells are shown depends only on how many ballots each holds, so this needs the
    ballots per atom (:func:`atom_ballots`) and nothing else.
    """
    empty = np.zeros((len(layout.subjects), len(layout.groups) + 1, 0, SLOTS), dtype=np.int64)
    root, _wards, _subjects = _build_tree(layout, empty, per_atom)
    if not complete:
        root.hidden = INCOMPLETE
    _suppress(root, rules, dict(released or {}))
    return {node.key: node.ballots for node in _all_nodes(root) if node.visible}


def tally(
    *,
    shape: Shape,
    rules: Rules,
    layout: Layout,
    ballots: BallotArrays,
    released: Mapping[str, int] | None = None,
    complete: bool = True,
    rng: random.Random | None = None,
) -> RoundTally:
    """Return the disclosure-controlled tally of *ballots*.

    ``released`` maps cell keys to the ballot counts shown in an earlier publication of
    the same cells; ``complete`` False withholds the district cell (reason
    ``incomplete``) because it would change as later boxes are sealed; ``rng`` shuffles
    comments (a fresh system-random generator when None).
    """
    released = dict(released or {})
    n_items = len(shape.items)
    n_subjects = len(layout.subjects)
    n_groups = len(layout.groups)
    if len(layout.subject_ward) != n_subjects:
        raise TallyInputError("bad_layout")
    counts, per_atom = count_atoms(ballots, n_subjects, n_groups, n_items)
    _check_options(shape, counts)
    root, ward_nodes, subject_nodes = _build_tree(layout, counts, per_atom)
    if not complete:
        root.hidden = INCOMPLETE
    _suppress(root, rules, released)
    _band_items(root, shape, rules)

    def cell(node: _Node) -> Cell:
        if not node.visible:
            return Cell(key=node.key, figures=None, suppressed=node.hidden)
        return Cell(key=node.key, figures=_figures(shape, rules, node))

    shuffler = rng or random.SystemRandom()
    subjects_out: list[SubjectTally] = []
    for s, sid in enumerate(layout.subjects):
        node = subject_nodes[s]
        comments: tuple[str, ...] | None = None
        reason: str | None = BELOW_K
        if node.ballots >= rules.k_comments:
            pool = [c for c in ballots.comments.get(s, ()) if c.strip()]
            shuffler.shuffle(pool)
            comments = tuple(pool)
            reason = None
        subjects_out.append(
            SubjectTally(
                subject=sid,
                total=cell(node),
                groups=tuple(cell(c) for c in node.children if c.emitted),
                comments=comments,
                comments_suppressed=reason,
            )
        )
    wards_out = tuple(
        WardTally(
            unit=unit,
            total=cell(ward_nodes[w]),
            subjects=tuple(
                subjects_out[s] for s in range(n_subjects) if layout.subject_ward[s] == w
            ),
        )
        for w, unit in enumerate(layout.wards)
    )
    return RoundTally(
        total=cell(root), wards=wards_out, k=rules.k, k_comments=rules.k_comments, released=released
    )


# --------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class ItemDelta:
    """The change of one item against the previous round (None where either is hidden)."""

    key: str
    mean: float | None
    low_share: float | None
    good_share: float | None
    flagged_before: bool
    flagged_now: bool


@dataclass(frozen=True)
class Delta:
    """The change of a cell against the same position in the previous round."""

    previous: str
    mean: float | None
    good_share: float | None
    low_share: float | None
    items: tuple[ItemDelta, ...]
    resolved: tuple[str, ...]
    new_flags: tuple[str, ...]


def _diff(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def compare(current: Cell, previous: Cell) -> Delta | None:
    """Return *current* minus *previous*, item by item (matched by key), or None.

    Both cells must be shown: a difference never involves a suppressed cell. Each side is
    a separate set of at least k ballots, so the difference reveals no smaller set.
    """
    if current.figures is None or previous.figures is None:
        return None
    before = {it.key: it for it in previous.figures.items}
    items: list[ItemDelta] = []
    for it in current.figures.items:
        old = before.get(it.key)
        if old is None:
            continue
        items.append(
            ItemDelta(
                key=it.key,
                mean=_diff(it.mean, old.mean),
                low_share=_diff(it.low_share, old.low_share),
                good_share=_diff(it.good_share, old.good_share),
                flagged_before=bool(old.flags),
                flagged_now=bool(it.flags),
            )
        )
    return Delta(
        previous=previous.key,
        mean=_diff(current.figures.mean, previous.figures.mean),
        good_share=_diff(current.figures.good_share, previous.figures.good_share),
        low_share=_diff(current.figures.low_share, previous.figures.low_share),
        items=tuple(items),
        resolved=tuple(d.key for d in items if d.flagged_before and not d.flagged_now),
        new_flags=tuple(d.key for d in items if d.flagged_now and not d.flagged_before),
    )


# --------------------------------------------------------------------------- JSON


JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def to_json(value: object, *, digits: int = 6) -> JsonValue:
    """Return *value* (a result dataclass, tuple, mapping …) as plain JSON data.

    Floats are rounded to *digits* decimals so the document is stable across platforms.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): to_json(v, digits=digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v, digits=digits) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {
            name: to_json(getattr(value, name), digits=digits)
            for name in value.__dataclass_fields__
        }
    raise TypeError(type(value).__name__)
