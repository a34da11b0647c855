"""Which rows of a read copy a person decides (paper/omr/asking.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from phieukin.paper.omr.asking import rows_to_ask


def test_a_copy_without_doubt_asks_nothing_whatever_its_blank_rows() -> None:
    assert rows_to_ask({"a": "marked", "b": "empty", "c": "empty"}) == set()
    assert rows_to_ask({}) == set()


def test_a_doubt_brings_every_row_read_as_no_answer_before_the_person() -> None:
    statuses = {"a": "marked", "b": "empty", "c": "ambiguous", "d": "empty", "e": "marked"}
    assert rows_to_ask(statuses) == {"b", "c", "d"}


def test_a_comment_to_transcribe_is_a_person_looking_too() -> None:
    statuses = {"a": "marked", "b": "empty"}
    assert rows_to_ask(statuses, person_looks=True) == {"b"}
    assert rows_to_ask({"a": "marked"}, person_looks=True) == set()


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=4), st.sampled_from(["marked", "empty", "ambiguous"])
    ),
    st.booleans(),
)
def test_no_row_read_as_no_answer_escapes_a_copy_a_person_holds(
    statuses: dict[str, str], looks: bool
) -> None:
    asked = rows_to_ask(statuses, person_looks=looks)
    held = looks or "ambiguous" in statuses.values()
    for key, status in statuses.items():
        if status == "marked":
            assert key not in asked  # a clear mark keeps its digit: no needless question
        else:
            assert (key in asked) == held
