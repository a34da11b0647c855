"""Synthetic filled-in ballots: our PDF, marked as people mark, captured as devices do.

Used by the OMR tests (a small sample of every style) and by ``bench/omr.py`` (thousands
of pages). Every page comes with its ground truth, so a reading can be scored. The
generator is independent of the reader: it imports only the printed form (layout,
printing and the QR contract), never :mod:`phieukin.paper.omr.reader`, and its marks are
drawn from ranges describing pens, pencils and hands (:mod:`.marks`), not from the
reader's thresholds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from phieukin.paper.corpus import capture
from phieukin.paper.corpus.marks import CLEAR_STYLES, STYLES, Paper, draw_style
from phieukin.paper.corpus.marks import comment as write_comment
from phieukin.paper.layout import BallotLayout, PageLayout, build_layout
from phieukin.paper.printing import BoxSheetSpec, SubjectSheet, render_ballots_pdf
from phieukin.questionnaires.yamlio import (
    ItemSpec,
    OptionSpec,
    QuestionnaireSpec,
    ScaleSpec,
    SectionSpec,
    parse_questionnaire,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "questionnaire-neu-guong.yaml"
ALL_STYLES = tuple(STYLES)
__all__ = ["ALL_STYLES", "CLEAR_STYLES", "STYLES", "Corpus", "Score", "SynthPage", "Truth"]


def sample_spec() -> QuestionnaireSpec:
    """Return the 21-item sample questionnaire shipped in ``phieukin/data``."""
    return parse_questionnaire(SAMPLE.read_text(encoding="utf-8"))


LONG_TEXT = (
    "Đồng chí có thường xuyên lắng nghe, tiếp thu ý kiến phản ánh, kiến nghị chính đáng của "
    "cán bộ, đảng viên và Nhân dân trên địa bàn; chủ động đối thoại, giải quyết dứt điểm những "
    "vấn đề bức xúc, kéo dài ngay từ cơ sở, không đùn đẩy, né tránh trách nhiệm hay không?"
)


def small_spec(
    items: int = 7, options: int = 3, *, code: str = "thu-nghiem-7", version: int = 2
) -> QuestionnaireSpec:
    """Return another questionnaire: ``items`` items with long texts on an ``options`` scale."""
    labels = ["Đồng ý", "Phân vân", "Không đồng ý", "Rất tốt", "Tốt", "Khá", "Trung bình"]
    labels += ["Yếu", "Kém", "Không đánh giá"]
    scale = ScaleSpec(
        key="thang",
        label="Thang",
        options=[
            OptionSpec(key=f"o{i}", label=labels[i % len(labels)], score=Decimal(options - i))
            for i in range(options)
        ],
    )
    return QuestionnaireSpec(
        code=code,
        version=version,
        title="Phiếu thử nghiệm bố cục với nội dung dài và thang đánh giá khác",
        short_title="Phiếu thử nghiệm",
        instructions="Đánh dấu X vào một ô cho mỗi nội dung.",
        scales=[scale],
        sections=[SectionSpec(key="A", title="Phần A — nội dung dài", order=1)],
        items=[
            ItemSpec(
                key=f"c{i + 1:02d}",
                section="A",
                scale="thang",
                text=(LONG_TEXT if i % 2 == 0 else LONG_TEXT[:90]),
                order=i + 1,
            )
            for i in range(items)
        ],
    )


def box_spec(spec: QuestionnaireSpec, *, round_id: int = 12, box_id: int = 34) -> BoxSheetSpec:
    """Return a box with two leaders for ``spec``."""
    return BoxSheetSpec(
        round_id=round_id,
        box_id=box_id,
        round_title="Đợt I/2026 — Phường Bồ Đề",
        questionnaire=spec,
        subjects=[
            SubjectSheet(56, "Nguyễn Văn Thử", "Bí thư Đảng ủy phường Bồ Đề"),
            SubjectSheet(57, "Trần Thị Nghiệm", "Chủ tịch Ủy ban nhân dân phường Bồ Đề"),
        ],
        superior="Đảng bộ Quận Long Biên",
        issuer="Đảng ủy phường Bồ Đề",
        validity_rules=["Mỗi nội dung chỉ đánh dấu một ô."],
    )


def render_images(pdf: bytes, dpi: float) -> list[np.ndarray]:
    """Render every page of a PDF to grayscale at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            array = bitmap.to_numpy()
            images.append(np.array(array[:, :, 0] if array.ndim == 3 else array))
            bitmap.close()
            page.close()
        return images
    finally:
        document.close()


@dataclass
class Truth:
    """What was drawn on one item: its style, the intended option and the boxes inked.

    ``option`` is what a careful person reads from the paper (None: no answer).
    """

    style: str
    option: int | None
    inked: tuple[int, ...] = ()

    @property
    def clear(self) -> bool:
        """Return True when a reader must read this item without asking a person."""
        return STYLES.get(self.style) == "read"

    def judge(self, status: str, option_index: int | None) -> str:
        """Return ``right``, ``review`` or ``wrong`` for a reading of this item."""
        if status == "ambiguous":
            return "review"
        if STYLES.get(self.style) == "review":
            return "wrong"
        if self.option is None:
            return "right" if status == "empty" else "wrong"
        return "right" if status == "marked" and option_index == self.option else "wrong"


@dataclass
class SynthPage:
    """A marked and captured page with its ground truth.

    ``refusal`` is the refusal a careful operator expects (None: the page must be read);
    ``sheet_payload`` is the text of the QR printed on the page.
    """

    image: np.ndarray
    sheet_payload: str
    truth: dict[str, Truth]
    comment: bool = False
    profile: str = "scan"
    blank: bool = False
    refusal: str | None = None
    dpi: float = 200
    render: np.ndarray | None = None  # the marked page before capture, when asked for


def plan_page(
    page: PageLayout,
    rng: np.random.Generator,
    *,
    styles: tuple[str, ...] = ALL_STYLES,
    weights: tuple[float, ...] | None = None,
) -> dict[str, Truth]:
    """Pick a style (uniformly, or by ``weights``) and an option for every item of the page."""
    truth = {}
    p = None if weights is None else np.array(weights) / sum(weights)
    for item in page.items:
        n = len(item.boxes)
        style = str(rng.choice(styles, p=p))
        option = int(rng.integers(0, n))
        neighbour = (
            option + 1 if option + 1 < n and (option == 0 or rng.random() < 0.5) else option - 1
        )
        other = int((option + rng.integers(1, n)) % n)
        if style == "blank":
            truth[item.key] = Truth("blank", None, ())
        elif style == "double":
            truth[item.key] = Truth(style, None, (option, other))
        elif style in ("correction", "erased_new"):
            truth[item.key] = Truth(style, other, (option, other))
        elif style == "spill":
            truth[item.key] = Truth(style, option, (option, neighbour))
        elif style in ("stray", "erased", "smudge"):
            truth[item.key] = Truth(style, None, (option,))
        else:
            truth[item.key] = Truth(style, option, (option,))
    return truth


def ink_page(
    image: np.ndarray,
    page: PageLayout,
    truth: dict[str, Truth],
    dpi: float,
    rng: np.random.Generator,
    *,
    comment: bool = False,
    leave_out: str | None = None,
) -> np.ndarray:
    """Return a copy of ``image`` with the planned marks (and perhaps a comment) drawn.

    The marks of item ``leave_out`` are drawn and then taken away again, so that ``rng``
    is drawn from exactly as when they stay: everything else on the page is the same.
    """
    paper = Paper(image.copy(), dpi, rng)
    items = {it.key: it for it in page.items}
    for key, t in truth.items():
        before = paper.image.copy() if key == leave_out else None
        draw_style(paper, t.style, items[key].boxes, t.inked)
        if before is not None:
            paper.image = before
    if comment and page.comment is not None:
        write_comment(paper, page.comment)
    return paper.image


class Corpus:
    """Render ballots once per (questionnaire, dpi) and stamp out marked, captured pages."""

    def __init__(self, spec: QuestionnaireSpec, *, copies: int = 1, box_id: int = 34) -> None:
        self.spec = spec
        self.layout: BallotLayout = build_layout(spec)
        serials = (
            f"AAAA{n:08d}".translate(str.maketrans("0189", "QRST")) for n in itertools.count(1)
        )
        self.pdf = render_ballots_pdf(
            box=box_spec(spec, box_id=box_id), copies=copies, serial=lambda: next(serials)
        )
        self._renders: dict[float, list[np.ndarray]] = {}
        self._payloads: list[str] | None = None

    def blank_images(self, dpi: float) -> list[np.ndarray]:
        """Return the unmarked pages rendered at ``dpi`` (cached)."""
        if dpi not in self._renders:
            self._renders[dpi] = render_images(self.pdf, dpi)
        return self._renders[dpi]

    def payloads(self) -> list[str]:
        """Return the QR text printed on every page, in PDF order."""
        if self._payloads is None:
            import zxingcpp

            self._payloads = [zxingcpp.read_barcodes(img)[0].text for img in self.blank_images(150)]
        return self._payloads

    def page_number(self, index: int) -> int:
        """Return the page number within its copy of PDF page ``index``."""
        return int(self.payloads()[index].split("|p=")[1].split("/")[0])

    def page(
        self,
        index: int,
        rng: np.random.Generator,
        *,
        dpi: float = 200,
        profile: str = "scan",
        styles: tuple[str, ...] = ALL_STYLES,
        weights: tuple[float, ...] | None = None,
        comment: bool | None = None,
        leave_out: str | None = None,
        keep_render: bool = False,
    ) -> SynthPage:
        """Return page ``index`` of the PDF, marked at random and captured by ``profile``.

        Profiles: ``clean`` (the render itself) and those of :data:`capture.PROFILES`.
        With ``leave_out``, the same page (same draws of ``rng``) without that item's marks;
        with ``keep_render``, the page keeps its marked render (before capture) too.
        """
        payload = self.payloads()[index]
        layout_page = self.layout.page(self.page_number(index))
        truth = plan_page(layout_page, rng, styles=styles, weights=weights)
        with_comment = bool(rng.random() < 0.3) if comment is None else comment
        render_dpi = 100.0 if profile == "low_res" else dpi
        blank_render = self.blank_images(render_dpi)[index]
        inked = ink_page(
            blank_render,
            layout_page,
            truth,
            render_dpi,
            rng,
            comment=with_comment,
            leave_out=leave_out,
        )
        refusal = capture.EXPECTED_REFUSAL.get(profile)
        if profile == "clean":
            image = inked
        elif profile == "phone":
            image = capture.phone(inked, rng)
        elif profile == "showthrough":
            renders = self.blank_images(render_dpi)
            back = renders[index + 1 if index + 1 < len(renders) else index - 1 if index else 0]
            image = capture.scanner(capture.show_through(inked, back, rng, render_dpi), rng)
        elif profile == "fold":
            image = capture.scanner(capture.fold(inked, rng, render_dpi), rng)
        elif profile == "dogear":
            folded, covers_qr = capture.dog_ear(inked, rng, render_dpi)
            image = capture.scanner(folded, rng)
            refusal = "no_qr" if covers_qr else None
        elif profile == "sideways":
            scanned = (
                capture.scanner(inked, rng) if rng.random() < 0.5 else capture.phone(inked, rng)
            )
            image = np.ascontiguousarray(np.rot90(scanned, 1 if rng.random() < 0.5 else 3))
        elif profile == "skewed":
            image = capture.phone(inked, rng, angle=8.0, jitter=0.09)
        elif profile == "shadow":
            image = capture.phone(inked, rng, hard_shadow=True)
        elif profile == "crumpled":
            crumpled = capture.crumple(inked, rng, render_dpi)
            image = (
                capture.scanner(crumpled, rng)
                if rng.random() < 0.6
                else capture.phone(crumpled, rng)
            )
        elif profile == "upside_down":
            image = np.ascontiguousarray(np.rot90(capture.scanner(inked, rng), 2))
        elif profile == "bilevel":
            image = capture.bilevel(inked, rng)
        elif profile == "low_contrast":
            image = capture.low_contrast(inked, rng)
        elif profile in ("scan", "low_res"):
            image = capture.scanner(inked, rng)
        else:
            raise ValueError(profile)
        blank = all(t.style == "blank" for t in truth.values()) and not (
            with_comment and layout_page.comment is not None
        )
        render = inked if keep_render else None
        return SynthPage(image, payload, truth, with_comment, profile, blank, refusal, dpi, render)


@dataclass
class Score:
    """Outcome counts over many items, per drawn style."""

    clear: int = 0
    clear_read: int = 0  # clear items read as drawn without review
    flagged: int = 0
    silent_errors: int = 0
    errors: list[str] = field(default_factory=list)
    by_style: dict[str, list[int]] = field(default_factory=dict)  # right, review, wrong

    def add(self, key: str, truth: Truth, status: str, option_index: int | None) -> str:
        """Score one item reading (its status and option) against its truth; return the verdict."""
        verdict = truth.judge(status, option_index)
        counts = self.by_style.setdefault(truth.style, [0, 0, 0])
        counts[("right", "review", "wrong").index(verdict)] += 1
        if truth.clear:
            self.clear += 1
            self.clear_read += verdict == "right"
        if verdict == "review":
            self.flagged += 1
        elif verdict == "wrong":
            self.silent_errors += 1
            self.errors.append(
                f"{key}: drew {truth.style} {truth.inked} (option {truth.option}), "
                f"read {status} {option_index}"
            )
        return verdict
