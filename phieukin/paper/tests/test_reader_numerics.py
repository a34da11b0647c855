"""The reader's own medians and percentiles give exactly what numpy's give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from phieukin.paper.omr.reader import _median, _percentile

depths = st.floats(-0.5, 1.5, width=32, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    values=hnp.arrays(
        np.float32, hnp.array_shapes(min_dims=2, max_dims=3, max_side=9), elements=depths
    ),
    data=st.data(),
)
def test_the_fast_median_equals_numpys_along_any_axis(
    values: np.ndarray, data: st.DataObject
) -> None:
    axis = data.draw(st.integers(0, values.ndim - 1))
    expected = np.median(values, axis=axis)
    assert np.array_equal(_median(values, axis=axis), expected)
    assert _median(values, axis=axis).dtype == expected.dtype


@settings(max_examples=200, deadline=None)
@given(
    values=hnp.arrays(np.float32, st.integers(1, 400), elements=depths),
    q=st.sampled_from([1.0, 16.0, 25.0, 50.0, 84.0, 99.0]),
)
def test_the_fast_percentile_equals_numpys_in_double_precision(
    values: np.ndarray, q: float
) -> None:
    assert _percentile(values, q) == float(np.percentile(values.astype(np.float64), q))
