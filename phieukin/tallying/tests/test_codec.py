"""A stored tally comes back equal to the engine's result, field for field."""

import dataclasses

import pytest

from phieukin.tallying import codec
from phieukin.tallying.tally import Layout, RoundTally, Rules
from phieukin.tallying.tests.test_tally import run

TWO_WARDS = Layout(
    wards=(10, 11),
    subjects=(1, 2, 3, 4),
    subject_ward=(0, 0, 1, 1),
    groups=("cb", "bt"),
    district=1,
)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"answers": ["001", "012", "113", "224", "000", "334"] * 2, "groups": [0, 1] * 6},
        {
            "answers": ["000", "111", "222", "334"] * 6,
            "subjects": [0, 1, 2, 3] * 6,
            "layout": TWO_WARDS,
            "rules": Rules(k=3, k_comments=4),
            "comments": {0: ["Gần dân hơn."], 4: ["Quyết liệt."]},
        },
        {"answers": ["000", "000"], "rules": Rules(k=5)},
    ],
)
def test_a_round_tally_survives_the_round_trip_through_json(kwargs):
    result = run(**kwargs)
    restored = codec.from_json(RoundTally, codec.to_json(result))
    assert restored == result


def test_an_unknown_value_type_is_refused():
    @dataclasses.dataclass(frozen=True)
    class Odd:
        value: object

    with pytest.raises(TypeError):
        codec.to_json(Odd(value=object()))
