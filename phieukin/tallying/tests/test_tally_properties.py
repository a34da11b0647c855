"""Properties of the pure tally engine over generated rounds (hypothesis).

The disclosure claims are checked against the input, not against the engine's own
bookkeeping: the ballots of each atom (subject × group) are counted here independently,
and a brute-force search over every subset of atoms proves that no set about fewer than
k people can be computed from the shown cells by adding and subtracting them. A set of
ballots is sized in people, not sheets: each respondent fills one sheet per leader of
their ward, so the most a set can say about is, per ward, its largest per-leader count
(summed over wards) — 3 respondents rating 2 leaders make 6 sheets but 3 people.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phieukin.tallying.tally import (
    BallotArrays,
    ItemShape,
    Layout,
    RoundTally,
    Rules,
    Shape,
    atom_ballots,
    ballot_arrays,
    group_key,
    iter_cells,
    published_counts,
    subject_key,
    tally,
    to_json,
    ward_key,
)

OPTIONS = ("tot", "kha", "trung_binh", "yeu", "khong_danh_gia")
SCORES = (4.0, 3.0, 2.0, 1.0, None)


@dataclass
class Case:
    shape: Shape
    rules: Rules
    layout: Layout
    subject: list[int]
    group: list[int]
    valid: list[bool]
    answers: list[str]
    comments: dict[int, list[str]]

    def arrays(self, order: list[int] | None = None) -> BallotArrays:
        idx = order if order is not None else list(range(len(self.subject)))
        return ballot_arrays(
            subject=[self.subject[i] for i in idx],
            group=[self.group[i] for i in idx],
            valid=[self.valid[i] for i in idx],
            answers=[self.answers[i] for i in idx],
            n_items=len(self.shape.items),
            comments=self.comments,
        )

    def run(self, order: list[int] | None = None) -> RoundTally:
        return tally(
            shape=self.shape,
            rules=self.rules,
            layout=self.layout,
            ballots=self.arrays(order),
            rng=random.Random(0),
        )


@st.composite
def cases(draw: st.DrawFn, max_ballots: int = 80) -> Case:
    n_items = draw(st.integers(1, 4))
    items = tuple(
        ItemShape(f"nd{j:02}", "I" if j < 2 else "II", OPTIONS, SCORES) for j in range(n_items)
    )
    sections = tuple(dict.fromkeys(i.section for i in items))
    n_wards = draw(st.integers(1, 3))
    subject_ward = draw(st.lists(st.integers(0, n_wards - 1), min_size=1, max_size=4))
    n_groups = draw(st.integers(0, 2))
    k = draw(st.integers(3, 6))
    n = draw(st.integers(0, max_ballots))
    # Skewed choices make small and empty cells (the interesting ones) common.
    subject = draw(st.lists(st.integers(0, len(subject_ward) - 1), min_size=n, max_size=n))
    group = draw(st.lists(st.integers(-1, n_groups - 1), min_size=n, max_size=n))
    invalid_at = draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=3))
    valid = [i not in invalid_at for i in range(n)]
    answer_char = st.sampled_from("0123-4") if draw(st.booleans()) else st.sampled_from("00001")
    answers = [
        "".join(draw(st.lists(answer_char, min_size=n_items, max_size=n_items))) for _ in range(n)
    ]
    comments = {s: [f"ý kiến {s}-{i}" for i in range(3)] for s in range(len(subject_ward))}
    return Case(
        shape=Shape(items=items, sections=sections),
        rules=Rules(k=k, k_comments=k + 2),
        layout=Layout(
            wards=tuple(100 + w for w in range(n_wards)),
            subjects=tuple(range(1, len(subject_ward) + 1)),
            subject_ward=tuple(subject_ward),
            groups=tuple(f"g{g}" for g in range(n_groups)),
        ),
        subject=subject,
        group=group,
        valid=valid,
        answers=answers,
        comments=comments,
    )


def _atoms(case: Case) -> dict[tuple[int, int], int]:
    """Count valid ballots per (subject index, group index) independently of the engine."""
    out: dict[tuple[int, int], int] = {}
    for s, g, v in zip(case.subject, case.group, case.valid, strict=True):
        if v:
            out[(s, g)] = out.get((s, g), 0) + 1
    return out


def _cell_atoms(case: Case) -> dict[str, set[tuple[int, int]]]:
    """Return, for every cell key, the atoms it is made of."""
    layout = case.layout
    cells: dict[str, set[tuple[int, int]]] = {"district": set()}
    for s, sid in enumerate(layout.subjects):
        atoms = {(s, g) for g in range(-1, len(layout.groups))}
        cells[subject_key(sid)] = atoms
        cells.setdefault(ward_key(layout.wards[layout.subject_ward[s]]), set()).update(atoms)
        cells["district"].update(atoms)
        for g, gkey in enumerate(layout.groups):
            cells[group_key(sid, gkey)] = {(s, g)}
    for unit in layout.wards:
        cells.setdefault(ward_key(unit), set())
    return cells


def _people(case: Case, atoms: dict[tuple[int, int], int], cell: set[tuple[int, int]]) -> int:
    """Return the people bound of the ballots of *cell*: per ward the top leader, summed."""
    per_leader: dict[int, int] = {}
    for s, g in cell:
        per_leader[s] = per_leader.get(s, 0) + atoms.get((s, g), 0)
    best: dict[int, int] = {}
    for s, n in per_leader.items():
        ward = case.layout.subject_ward[s]
        best[ward] = max(best.get(ward, 0), n)
    return sum(best.values())


def _people_of_subsets(
    case: Case, positive: list[tuple[int, int]], sizes: np.ndarray, subsets: np.ndarray
) -> np.ndarray:
    """Return the people bound of every subset (columns of *subsets*) of the atoms."""
    n_subjects = len(case.layout.subjects)
    by_leader = np.zeros((n_subjects, len(positive)))
    for i, (s, _g) in enumerate(positive):
        by_leader[s, i] = sizes[i]
    per_leader = by_leader @ subsets  # (subjects, subsets)
    total = np.zeros(subsets.shape[1])
    for w in range(len(case.layout.wards)):
        rows = [s for s in range(n_subjects) if case.layout.subject_ward[s] == w]
        if rows:
            total += per_leader[rows].max(axis=0)
    return total


def _walk(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for v in value.values():
            found.extend(_walk(v))
    elif isinstance(value, list):
        for v in value:
            found.extend(_walk(v))
    return found


common = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(cases())
def test_every_shown_figure_covers_at_least_k_people_anywhere_in_the_output(case: Case) -> None:
    result = case.run()
    atoms = _atoms(case)
    members = _cell_atoms(case)
    for cell in iter_cells(result):
        if _people(case, atoms, members[cell.key]) < case.rules.k:
            assert cell.figures is None
            assert cell.suppressed is not None
    for node in _walk(to_json(result)):
        if "figures" in node:
            if node["figures"] is None:
                assert node["suppressed"]
            else:
                assert node["suppressed"] is None
        if "ballots" in node:
            assert node["ballots"] >= case.rules.k


@common
@given(cases())
def test_counts_add_up_to_the_ballots_and_percentages_to_one_hundred(case: Case) -> None:
    result = case.run()
    atoms = _atoms(case)
    members = _cell_atoms(case)
    for cell in iter_cells(result):
        if cell.figures is None:
            continue
        assert cell.figures.ballots == sum(atoms.get(a, 0) for a in members[cell.key])
        for item in cell.figures.items:
            if item.banded:
                assert all(o.count is None and o.percent is None for o in item.options)
                assert item.mean is None
                continue
            counted = sum(o.count or 0 for o in item.options)
            assert counted + (item.unanswered or 0) == cell.figures.ballots
            scored = sum(o.count or 0 for o in item.options if o.scored)
            assert scored == item.scored_answers
            if scored:
                total = sum(o.percent or 0.0 for o in item.options if o.scored)
                assert abs(total - 100.0) < 1e-6
                assert item.mean is not None and 1.0 <= item.mean <= 4.0
            else:
                assert all(o.percent is None for o in item.options)
                assert item.mean is None


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_ballots=60))
def test_no_set_about_fewer_than_k_people_can_be_computed_from_the_shown_cells(case: Case) -> None:
    result = case.run()
    atoms = _atoms(case)
    members = _cell_atoms(case)
    positive = sorted(a for a, n in atoms.items() if n > 0)
    if not positive:
        return
    index = {a: i for i, a in enumerate(positive)}
    rows = []
    for cell in iter_cells(result):
        if cell.figures is None:
            continue
        row = np.zeros(len(positive))
        for a in members[cell.key]:
            if a in index:
                row[index[a]] = 1.0
        rows.append(row)
    if not rows:
        return
    shown = np.array(rows)
    projection = np.linalg.pinv(shown) @ shown
    sizes = np.array([atoms[a] for a in positive])
    subsets = np.array(list(itertools.product((0.0, 1.0), repeat=len(positive)))).T
    people = _people_of_subsets(case, positive, sizes, subsets)
    small = (people > 0) & (people < case.rules.k)
    derivable = np.all(np.abs(projection @ subsets - subsets) < 1e-6, axis=0)
    leaked = np.flatnonzero(small & derivable)
    assert leaked.size == 0, [
        [positive[i] for i in range(len(positive)) if subsets[i, j]] for j in leaked[:3]
    ]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_ballots=60))
def test_a_banded_item_cannot_be_computed_from_the_exact_figures_of_other_cells(
    case: Case,
) -> None:
    result = case.run()
    atoms = _atoms(case)
    members = _cell_atoms(case)
    positive = sorted(a for a, n in atoms.items() if n > 0)
    index = {a: i for i, a in enumerate(positive)}

    def row(key: str) -> np.ndarray:
        vector = np.zeros(len(positive))
        for a in members[key]:
            if a in index:
                vector[index[a]] = 1.0
        return vector

    shown = [c for c in iter_cells(result) if c.figures is not None]
    for j in range(len(case.shape.items)):
        banded = [c for c in shown if c.figures is not None and c.figures.items[j].banded]
        exact = [
            row(c.key) for c in shown if c.figures is not None and not c.figures.items[j].banded
        ]
        if not banded or not exact:
            continue
        matrix = np.array(exact)
        projection = np.linalg.pinv(matrix) @ matrix
        for cell in banded:
            target = row(cell.key)
            assert not np.allclose(projection @ target, target, atol=1e-6), (cell.key, j)


@common
@given(cases(), st.randoms(use_true_random=False))
def test_the_tally_does_not_depend_on_the_order_of_the_ballots(
    case: Case, shuffler: random.Random
) -> None:
    order = list(range(len(case.subject)))
    shuffler.shuffle(order)
    first = to_json(case.run())
    second = to_json(case.run(order))
    assert first == second


@common
@given(cases())
def test_comments_are_given_only_for_subjects_with_k_comments_valid_ballots(case: Case) -> None:
    result = case.run()
    atoms = _atoms(case)
    for s, sid in enumerate(case.layout.subjects):
        n = sum(v for (subj, _), v in atoms.items() if subj == s)
        st_ = result.subject(sid)
        if n >= case.rules.k_comments:
            assert st_.comments is not None
            assert sorted(st_.comments) == sorted(case.comments[s])
        else:
            assert st_.comments is None
            assert st_.comments_suppressed == "below_k"


@common
@given(cases(), st.data())
def test_a_figure_grown_by_fewer_than_k_people_since_its_release_is_not_shown_again(
    case: Case, data: st.DataObject
) -> None:
    # First publication: only the ballots of some subjects (boxes sealed so far).
    sealed = data.draw(st.sets(st.integers(0, len(case.layout.subjects) - 1)))
    early = [i for i, s in enumerate(case.subject) if s in sealed]
    before = tally(
        shape=case.shape, rules=case.rules, layout=case.layout, ballots=case.arrays(early)
    )
    released = before.published_counts()
    after = tally(
        shape=case.shape,
        rules=case.rules,
        layout=case.layout,
        ballots=case.arrays(),
        released=released,
    )
    atoms = _atoms(case)
    members = _cell_atoms(case)
    for cell in iter_cells(after):
        if cell.figures is not None and cell.key in released:
            grown = cell.figures.ballots - released[cell.key]
            # The growth is the ballots about the subjects sealed since: size it in people.
            late = {(s, g) for s, g in members[cell.key] if s not in sealed}
            assert grown == 0 or _people(case, atoms, late) >= case.rules.k


@common
@given(cases())
def test_a_unanimous_item_of_a_cell_about_fewer_than_2k_people_is_banded(case: Case) -> None:
    result = case.run()
    atoms = _atoms(case)
    members = _cell_atoms(case)
    for cell in iter_cells(result):
        if cell.figures is None:
            continue
        assert _people(case, atoms, members[cell.key]) >= case.rules.k
        if _people(case, atoms, members[cell.key]) >= case.rules.small_group:
            continue
        for item in cell.figures.items:
            if item.banded:
                assert item.mean is None and all(o.count is None for o in item.options)
            else:
                # Shown exactly: the answers were not all the same option.
                chosen = [o.key for o in item.options if o.count]
                assert len(chosen) != 1, (cell.key, item.key, chosen)


def _ward_alone(case: Case, ward: int) -> RoundTally:
    """Tally one ward's ballots alone, as the public box tally does."""
    layout = case.layout
    members = [s for s in range(len(layout.subjects)) if layout.subject_ward[s] == ward]
    order = [i for i, s in enumerate(case.subject) if s in members]
    arrays = ballot_arrays(
        subject=[members.index(case.subject[i]) for i in order],
        group=[case.group[i] for i in order],
        valid=[case.valid[i] for i in order],
        answers=[case.answers[i] for i in order],
        n_items=len(case.shape.items),
    )
    alone = Layout(
        wards=(layout.wards[ward],),
        subjects=tuple(layout.subjects[s] for s in members),
        subject_ward=(0,) * len(members),
        groups=layout.groups,
    )
    return tally(shape=case.shape, rules=case.rules, layout=alone, ballots=arrays, complete=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_ballots=60))
def test_box_tallies_and_the_round_tally_together_reveal_no_small_set(case: Case) -> None:
    boxes = [_ward_alone(case, w) for w in range(len(case.layout.wards))]
    released: dict[str, int] = {}
    for box in boxes:
        released.update(box.published_counts())
    result = tally(
        shape=case.shape,
        rules=case.rules,
        layout=case.layout,
        ballots=case.arrays(),
        released=released,
    )
    atoms = _atoms(case)
    members = _cell_atoms(case)
    positive = sorted(a for a, n in atoms.items() if n > 0)
    if not positive:
        return
    index = {a: i for i, a in enumerate(positive)}
    known = {c.key for box in boxes for c in iter_cells(box) if c.figures is not None}
    known |= {c.key for c in iter_cells(result) if c.figures is not None}
    rows = []
    for key in sorted(known):
        vector = np.zeros(len(positive))
        for a in members[key]:
            if a in index:
                vector[index[a]] = 1.0
        rows.append(vector)
    if not rows:
        return
    shown = np.array(rows)
    projection = np.linalg.pinv(shown) @ shown
    sizes = np.array([atoms[a] for a in positive])
    subsets = np.array(list(itertools.product((0.0, 1.0), repeat=len(positive)))).T
    people = _people_of_subsets(case, positive, sizes, subsets)
    small = (people > 0) & (people < case.rules.k)
    derivable = np.all(np.abs(projection @ subsets - subsets) < 1e-6, axis=0)
    assert not np.any(small & derivable)
    # A box's published cells never disagree with the round's.
    round_cells = {c.key: c for c in iter_cells(result)}
    for box in boxes:
        for cell in iter_cells(box)[1:]:
            if cell.figures is not None:
                assert round_cells[cell.key].figures == cell.figures


@common
@given(cases(), st.booleans(), st.data())
def test_the_shown_cells_can_be_found_from_the_ballots_per_cell_alone(
    case: Case, complete: bool, data: st.DataObject
) -> None:
    keys = sorted(_cell_atoms(case))
    released = data.draw(st.dictionaries(st.sampled_from(keys), st.integers(0, 40), max_size=4))
    full = tally(
        shape=case.shape,
        rules=case.rules,
        layout=case.layout,
        ballots=case.arrays(),
        released=released,
        complete=complete,
    )
    quick = published_counts(
        rules=case.rules,
        layout=case.layout,
        per_atom=atom_ballots(case.arrays(), case.layout),
        released=released,
        complete=complete,
    )
    assert quick == full.published_counts()
