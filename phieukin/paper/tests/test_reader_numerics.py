"""The reader's own medians and percentiles give exactly what numpy's give."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from phieukin.paper.omr import reader
from phieukin.paper.omr.reader import _blend, _median, _percentile

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


def test_the_levelling_of_a_folded_page_has_no_step_between_its_strips() -> None:
    # Three strips whose paper factors differ by 4 % and 6 %: each strip's middle keeps
    # its own factor, and from one middle to the next the factor changes by a small
    # amount per pixel, never by a step; the crease's dip (row 5) stays each strip's.
    strips = [(0, 180), (180, 360), (360, 540)]
    bases = np.array([[1.00] * 10, [1.04] * 10, [0.98] * 10], dtype=np.float32)
    dips = np.ones((3, 10), dtype=np.float32)
    dips[:, 5] = [1.05, 1.06, 1.07]
    field = _blend(strips, bases, dips)
    assert field.shape == (10, 540)
    for k, (a, b) in enumerate(strips):
        middle = (a + b - 1) // 2
        assert abs(field[0, middle] - bases[k, 0]) < 1e-3
        assert abs(field[5, middle] - bases[k, 5] * dips[k, 5]) < 1e-3
    assert float(np.abs(np.diff(field[0])).max()) < 0.06 / 150


def _profile(far: float, near: float) -> np.ndarray:
    """Four sides' profiles across a printed line: paper ``far`` from it, ``near`` beside it."""
    h = reader.HALO_PX
    one = np.full(2 * h + 1, far, dtype=np.float32)
    one[h - 3 : h + 4] = [0.2, 0.45, 0.55, 0.6, 0.55, 0.45, 0.2]  # the line, blurred
    one[2 : h - 3] = near
    one[h + 4 : -2] = near
    return np.stack([one] * 4)


def test_a_sharpening_halo_is_told_from_blur_and_from_grey_paper() -> None:
    def sharpened(profiles: np.ndarray) -> bool:
        return reader._sharpened(np.array([reader._halo_signature(profiles)]))

    # Paper beside the line lighter than paper beyond it, beyond which reads grey: the
    # patch's paper level was the halo's.
    assert reader._halo_signature(_profile(0.1, 0.06)) == pytest.approx((0.04, 0.1))
    assert sharpened(_profile(0.1, 0.06))
    # A blurred line fades into paper: no halo.
    assert not sharpened(_profile(0.0, 0.01))
    # Grey paper all round (a shadow) without a lighter ring: not a halo.
    assert not sharpened(_profile(0.1, 0.1))
    # A faint ring only (JPEG ringing on a clean scan): under SHARP_DIP.
    assert not sharpened(_profile(0.04, 0.035))
