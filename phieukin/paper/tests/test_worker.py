"""Pages are read one at a time in worker processes: a hostile file fails alone."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from django.utils import translation
from PIL import Image

from phieukin.paper.corpus.deck import Corpus, small_spec
from phieukin.paper.labels import REFUSALS, refusal_message
from phieukin.paper.omr import images
from phieukin.paper.omr.images import Source, count_pages, load_page
from phieukin.paper.omr.reader import SCALE
from phieukin.paper.omr.types import REFUSAL_CODES, PageRefused
from phieukin.paper.omr.worker import PageReader, read_one

HUGE_PAGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14173 14173]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@cache
def corpus() -> Corpus:
    return Corpus(small_spec(items=7, options=3))


def _layouts() -> dict[tuple[str, int], object]:
    c = corpus()
    return {(c.spec.code, c.spec.version): c.layout}


def _png(image: np.ndarray, mode: str = "L") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).convert(mode).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_tiny_pdf_declaring_a_huge_page_is_refused_without_rendering_it() -> None:
    assert len(HUGE_PAGE_PDF) < 400
    with pytest.raises(PageRefused) as caught:
        load_page(HUGE_PAGE_PDF, "hostile.pdf", 0)
    assert caught.value.reason == "too_large"


def test_a_one_bit_image_is_refused_as_it_is_opened() -> None:
    with pytest.raises(PageRefused) as caught:
        load_page(_png(corpus().blank_images(200)[0], "1"), "fax.png", 0)
    assert caught.value.reason == "bilevel"


def test_pages_are_decoded_one_at_a_time_from_a_path(tmp_path: Path) -> None:
    images = corpus().blank_images(150)
    path = tmp_path / "scan.tif"
    Image.fromarray(images[0]).save(
        path, format="TIFF", save_all=True, append_images=[Image.fromarray(images[1])]
    )
    assert count_pages(path, "scan.tif") == 2
    assert load_page(path, "scan.tif", 1).shape == images[1].shape
    with pytest.raises(PageRefused):
        load_page(path, "scan.tif", 2)


def test_the_worker_pool_reads_pages_and_refuses_a_hostile_one_alone(tmp_path: Path) -> None:
    good = tmp_path / "page.png"
    good.write_bytes(_png(corpus().blank_images(200)[1]))
    jobs: list[tuple[Source, str, int]] = [
        (str(good), "page.png", 0),
        (HUGE_PAGE_PDF, "hostile.pdf", 0),
        (str(good), "page.png", 0),
    ]
    with PageReader(_layouts(), workers=1) as reader:  # type: ignore[arg-type]
        results = list(reader.read_many(jobs))
    assert [r.refusal for r in results] == ["", "too_large", ""]
    first = results[0].reading
    assert first is not None and first.sheet.subject_id == 57
    assert results[0].page_jpeg.startswith(b"\xff\xd8")


def test_a_worker_out_of_memory_refuses_that_page_and_the_next_page_is_read(
    tmp_path: Path,
) -> None:
    # 59.5 million pixels of grey paper: under the size limit; decoded (59.5 MB) it fits
    # this pool's 100 MB cap, but looking for markers on it does not.
    big = tmp_path / "big.png"
    Image.new("L", (7000, 8500), 200).save(big)
    good = tmp_path / "page.png"
    good.write_bytes(_png(corpus().blank_images(200)[1]))
    with PageReader(_layouts(), workers=1, memory_mb=100) as reader:  # type: ignore[arg-type]
        results = list(reader.read_many([(str(big), "big.png", 0), (str(good), "page.png", 0)]))
    assert results[0].refusal in {"too_large", "reader_failed"}
    assert results[1].refusal == "" and results[1].reading is not None


def test_read_one_never_raises_for_a_bad_page() -> None:
    result = read_one(b"this is not an image", "notes.png", 0)
    assert result.reading is None and result.refusal == "unreadable"


def test_every_refusal_has_a_vietnamese_reason_that_names_the_fix() -> None:
    assert set(REFUSALS) == set(REFUSAL_CODES)
    with translation.override("vi"):
        for code in ("bilevel", "too_small"):
            assert "Quét lại ở chế độ ảnh xám, tối thiểu 150 dpi" in refusal_message(code)
        vietnamese = {code: refusal_message(code) for code in REFUSAL_CODES}
    with translation.override("en"):
        for code in REFUSAL_CODES:
            assert vietnamese[code] != refusal_message(code), code


def _colour_photo() -> np.ndarray:
    """A page as a phone gives it: colour, a warm cast, JPEG-compressed."""
    grey = corpus().blank_images(150)[0]
    rgb = np.dstack([grey, (grey * 0.97).astype(np.uint8), (grey * 0.9).astype(np.uint8)])
    return rgb


def test_a_colour_jpeg_is_decoded_straight_to_grey_as_pillow_would_convert_it() -> None:
    buffer = io.BytesIO()
    Image.fromarray(_colour_photo(), "RGB").save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB"
        expected = np.asarray(image.convert("L"), dtype=np.int16)
        assert images._decode_direct(data, image) is not None  # not through Pillow
    gray = load_page(data, "photo.jpg", 0)
    assert gray.dtype == np.uint8 and gray.shape == expected.shape
    # The JPEG decoder takes its luma before colour conversion; Pillow after. They agree
    # to a level or two, far below anything the reader tells apart.
    assert float(np.abs(gray.astype(np.int16) - expected).mean()) < 1.0
    assert int(np.abs(gray.astype(np.int16) - expected).max()) <= 4


def test_transparent_and_sixteen_bit_images_still_go_through_pillow() -> None:
    page = corpus().blank_images(150)[0]
    rgba = np.dstack([page, page, page, np.full_like(page, 255)])
    rgba[:40, :40, 3] = 0  # a transparent corner: paper, not black
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")
    with Image.open(io.BytesIO(buffer.getvalue())) as image:
        assert images._decode_direct(buffer.getvalue(), image) is None
    gray = load_page(buffer.getvalue(), "page.png", 0)
    assert gray[:40, :40].min() == 255
    wide = io.BytesIO()
    Image.fromarray(page.astype(np.uint16) * 257).save(wide, format="PNG")
    with Image.open(io.BytesIO(wide.getvalue())) as image:
        assert images._decode_direct(wide.getvalue(), image) is None
    assert np.array_equal(load_page(wide.getvalue(), "page.png", 0), page)


def test_the_page_image_leaves_the_worker_with_the_comment_painted_out() -> None:
    # Handwriting could name its writer: it is transcribed from its own crop, under
    # stricter rules, and never travels in the whole-page image a reviewer sees.
    c = corpus()
    page = c.page(0, np.random.default_rng(7), dpi=200, profile="scan", comment=True)
    comment = c.layout.page(1).comment
    assert comment is not None
    with PageReader(_layouts(), workers=1) as reader:  # type: ignore[arg-type]
        result = reader.read(_png(page.image), "page.png", 0)
    assert result.reading is not None and result.reading.comment_has_ink
    image = cv2.imdecode(np.frombuffer(result.page_jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    x0, y0 = round(comment.x * SCALE), round(comment.y * SCALE)
    x1, y1 = round((comment.x + comment.w) * SCALE), round((comment.y + comment.h) * SCALE)
    inner = image[y0 + 4 : y1 - 4, x0 + 4 : x1 - 4]
    assert inner.size and int(inner.min()) >= 250  # JPEG leaves it white, not a stroke
    assert int(image[: y0 - 10].min()) < 100  # the rest of the page is there (its print)
