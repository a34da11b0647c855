"""A view of a page that brings out faint marks, for the person who confirms a copy.

A very light pencil tick keeps 1–4 % of depth in a scan: on a screen it is a few grey
levels on paper that is itself uneven (a crumpled sheet's facets, a phone's shading, a
fold's shadow). The reviewer confirms the whole copy from its page image, so the page is
offered a second way too. Each pixel is shown by how much darker it is than the paper
around it: the paper's own shading (wider than ``FAR_MM``) comes out white, and every
line narrower than ``PAPER_MM`` (a stroke of a pen or a pencil, print, a crease) ``GAIN``
times darker than it stands over its paper. Nothing is shown lighter against its paper
than on the scan (a filled box stays as dark), and nothing is added that is not in it.

This is a view only. The reader never reads it; the stored page image stays as scanned.
"""

from __future__ import annotations

import cv2
import numpy as np

from phieukin.paper.omr.reader import SCALE

# The paper behind a pixel, twice: the brightest level within PAPER_MM (a closing),
# wider than any pen or pencil line (0.3–0.8 mm) and narrower than a box; and within
# FAR_MM, wider than a filled box or a word. Each is smoothed so that it shows no blocks.
PAPER_MM = 2.5
FAR_MM = 10.0
SMOOTH_SHARE = 0.2  # of each width
# Darkness over the near paper is shown GAIN times deeper: a tick 3 % darker than its
# paper shows 15 % darker, which the eye sees at a glance on any screen.
GAIN = 5.0
# The scan's grain is evened out a little first, so that the gain does not turn it into
# speckle (a pencil line is several pixels wide at the canonical scale).
GRAIN_BLUR_PX = 0.7


def _paper(image: np.ndarray, width_mm: float, scale: float) -> np.ndarray:
    """Return the paper's level behind every pixel: the brightest within *width_mm*.

    A wide paper is found on a copy reduced to about 1,5 px/mm (paper varies slowly)."""
    factor = max(1, int(scale * width_mm / 15))
    small = image
    if factor > 1:
        small = cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
    size = max(3, round(width_mm * scale / factor) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    paper = cv2.GaussianBlur(paper, (0, 0), SMOOTH_SHARE * width_mm * scale / factor)
    if factor > 1:
        paper = cv2.resize(paper, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    result: np.ndarray = np.maximum(paper, 1.0)
    return result


def bring_out_faint(gray: np.ndarray, scale: float = SCALE) -> np.ndarray:
    """Return *gray* (uint8, a page at *scale* px/mm) with faint marks brought out.

    Each pixel is shown by its darkness over the paper around it (``FAR_MM``): the
    paper's shading comes out white, and lines narrower than ``PAPER_MM`` ``GAIN`` times
    darker than over their own paper. A mark is never shown lighter against its paper
    than on the scan.
    """
    if gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError("a greyscale uint8 image is expected")
    if gray.size == 0:
        return gray.copy()
    image = gray.astype(np.float32)
    smooth = cv2.GaussianBlur(image, (0, 0), GRAIN_BLUR_PX)
    near = 1.0 - smooth / _paper(image, PAPER_MM, scale)
    far = 1.0 - image / _paper(image, FAR_MM, scale)
    dark = np.maximum(GAIN * near, far)
    np.clip(dark, 0.0, 1.0, out=dark)
    result: np.ndarray = np.rint(255.0 * (1.0 - dark)).astype(np.uint8)
    return result
