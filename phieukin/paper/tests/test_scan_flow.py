"""Scans end to end: printed ballots, marked by program, uploaded, read, reviewed."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import cv2
import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from phieukin.accounts.models import User
from phieukin.ballots.models import PendingBallot
from phieukin.ballots.services import close_box, seal_box
from phieukin.ballots.sheet import ItemShape, decode
from phieukin.paper import selectors
from phieukin.paper.corpus import deck as synth
from phieukin.paper.layout import BallotLayout, build_layout
from phieukin.paper.models import (
    PendingReading,
    ReaderCheck,
    ReviewCrop,
    ScanBatch,
    ScanFile,
    SeenSheet,
)
from phieukin.paper.selectors import evidence_digests
from phieukin.paper.services import print_ballots
from phieukin.paper.tests.helpers import content_of, login
from phieukin.questionnaires.selectors import questionnaire_spec
from phieukin.rounds.models import BallotBox, Subject

pytestmark = pytest.mark.django_db

DPI = 150


def _layout(box: BallotBox) -> BallotLayout:
    return build_layout(questionnaire_spec(box.conference.round.questionnaire))


def _blank_pages(box: BallotBox) -> list[np.ndarray]:
    """Return the rendered pages of one printed copy per leader of *box*."""
    return synth.render_images(print_ballots(actor=None, box=box, copies=1), DPI)


def _mark(
    image: np.ndarray,
    layout: BallotLayout,
    page: int,
    choices: dict[str, int | tuple[int, int] | None],
    *,
    comment: bool = False,
    seed: int = 1,
) -> np.ndarray:
    """Draw filled boxes at the layout's coordinates; a tuple marks two boxes (double)."""
    truth: dict[str, synth.Truth] = {}
    for item in layout.page(page).items:
        choice = choices.get(item.key)
        if choice is None:
            truth[item.key] = synth.Truth("blank", None, ())
        elif isinstance(choice, tuple):
            truth[item.key] = synth.Truth("double", None, choice)
        else:
            truth[item.key] = synth.Truth("fill", choice, (choice,))
    rng = np.random.default_rng(seed)
    return synth.ink_page(image, layout.page(page), truth, DPI, rng, comment=comment)


def _png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    assert ok
    return bytes(data.tobytes())


def _upload(client: Client, box: BallotBox, files: dict[str, bytes]) -> Any:
    handles = []
    for name, data in files.items():
        handle = io.BytesIO(data)
        handle.name = name
        handles.append(handle)
    return client.post(reverse("paper:upload", args=[box.pk]), {"files": handles})


def _run(client: Client, box: BallotBox, batch: ScanBatch) -> ScanBatch:
    url = reverse("paper:batch_step", args=[box.pk, batch.pk])
    for _ in range(20):
        batch.refresh_from_db()
        if batch.done:
            return batch
        response = client.post(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    raise AssertionError("the batch never finished")


@pytest.fixture
def layout(open_box_: BallotBox) -> BallotLayout:
    return _layout(open_box_)


@pytest.fixture
def pages(open_box_: BallotBox) -> list[np.ndarray]:
    return _blank_pages(open_box_)


def _choices(layout: BallotLayout, page: int, shift: int = 0) -> dict[str, Any]:
    return {item.key: (item.number + shift) % 4 for item in layout.page(page).items}


def _chosen(layout: BallotLayout, page: int, choices: dict[str, Any]) -> list[tuple[Any, int]]:
    """Return the items of a page with the option marked on each (single marks only)."""
    return [
        (item, choices[item.key])
        for item in layout.page(page).items
        if isinstance(choices[item.key], int)
    ]


def test_clear_pages_become_a_ballot_with_the_marked_answers(
    as_counter: Client,
    open_box_: BallotBox,
    subject: Subject,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    assert layout.page_count == 2
    files = {f"p{n}.png": _png(_mark(pages[n - 1], layout, n, _choices(layout, n))) for n in (1, 2)}
    response = _upload(as_counter, open_box_, files)
    assert response.status_code == 302
    batch = ScanBatch.objects.get(box=open_box_)
    assert response["Location"] == reverse("paper:batch", args=[open_box_.pk, batch.pk])
    page = as_counter.get(response["Location"])
    assert b"<progress" in page.content
    batch = _run(as_counter, open_box_, batch)
    assert batch.refusals == []
    assert batch.ballots_entered == 1
    ballot = PendingBallot.objects.get(box=open_box_)
    assert ballot.source == "scanned"
    assert ballot.valid
    assert ballot.subject_id == subject.pk
    answers = decode(shapes, content_of(ballot).answers)
    for n in (1, 2):
        for item in layout.page(n).items:
            assert answers[item.key] == item.option_keys[(item.number) % 4]
    assert not PendingReading.objects.exists()
    assert evidence_digests(open_box_) == sorted(
        hashlib.sha256(data).hexdigest() for data in files.values()
    )


def test_a_multi_page_tiff_is_split_and_read(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    frames = [
        Image.fromarray(_mark(pages[n - 1], layout, n, _choices(layout, n, 1))) for n in (1, 2)
    ]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    _upload(as_counter, open_box_, {"stack.tiff": buffer.getvalue()})
    batch = ScanBatch.objects.get(box=open_box_)
    # Without JavaScript the page offers a button that reads the next pages.
    step = as_counter.post(reverse("paper:batch_step", args=[open_box_.pk, batch.pk]))
    assert step.status_code == 302
    assert step["Location"] == reverse("paper:batch", args=[open_box_.pk, batch.pk])
    batch = _run(as_counter, open_box_, batch)
    assert batch.pages_total == 2
    assert batch.ballots_entered == 1
    assert PendingBallot.objects.filter(box=open_box_, source="scanned").count() == 1


def test_a_multi_page_pdf_scan_is_split_and_read(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    frames = [
        Image.fromarray(_mark(pages[n - 1], layout, n, _choices(layout, n, 2))) for n in (1, 2)
    ]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="PDF", save_all=True, append_images=frames[1:], resolution=DPI)
    _upload(as_counter, open_box_, {"scan.pdf": buffer.getvalue()})
    batch = _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    assert batch.pages_total == 2
    assert batch.refusals == []
    assert batch.ballots_entered == 1


def test_a_file_that_is_not_a_scan_is_refused_at_upload(
    as_counter: Client, open_box_: BallotBox
) -> None:
    response = _upload(as_counter, open_box_, {"notes.docx": b"PK\x03\x04"})
    assert response.status_code == 415
    assert "notes.docx: Không nhận loại tệp này; chỉ nhận: PDF, PNG, JPEG, TIFF." in (
        response.content.decode()
    )
    assert not ScanFile.objects.exists()


def test_a_page_of_another_box_a_duplicate_and_an_unreadable_page_are_refused_with_reasons(
    as_counter: Client,
    open_box_: BallotBox,
    box_b: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
) -> None:
    first = _png(_mark(pages[0], layout, 1, _choices(layout, 1)))
    foreign = _png(_mark(_blank_pages(box_b)[0], layout, 1, _choices(layout, 1)))
    _upload(
        as_counter,
        open_box_,
        {
            "a.png": first,
            "b.png": foreign,
            "c.png": b"\x89PNG\r\n\x1a\n not really",
            "d.png": first,
        },
    )
    batch = _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    reasons = {r["file"]: r["reason"] for r in batch.refusals}
    assert set(reasons) == {"b.png", "c.png", "d.png"}
    assert "hòm phiếu hoặc đợt khác" in reasons["b.png"]
    assert "Không đọc được" in reasons["c.png"]
    assert "đã được quét" in reasons["d.png"]
    page = as_counter.get(reverse("paper:batch", args=[open_box_.pk, batch.pk]))
    assert "đã được quét" in page.content.decode()
    # Page 1 of the copy waits for page 2; nothing of box B's page entered this box.
    assert PendingReading.objects.filter(box=open_box_).count() == 1
    assert not PendingBallot.objects.exists()
    assert not PendingReading.objects.filter(box=box_b).exists()


def test_the_seen_serials_are_keyed_hashes_not_the_printed_serial(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    image = _mark(pages[0], layout, 1, _choices(layout, 1))
    _upload(as_counter, open_box_, {"a.png": _png(image)})
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    import zxingcpp

    serial = zxingcpp.read_barcodes(image)[0].text.rsplit("=", 1)[1]
    digests = list(SeenSheet.objects.values_list("digest", flat=True))
    assert len(digests) == 1
    assert serial not in digests[0]
    assert not PendingReading.objects.filter(copy_digest__contains=serial).exists()


def test_a_doubtful_mark_and_a_comment_wait_for_review_then_enter_the_box(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    choices1 = _choices(layout, 1)
    doubtful = layout.page(1).items[2]
    choices1[doubtful.key] = (0, 2)
    files = {
        "p1.png": _png(_mark(pages[0], layout, 1, choices1)),
        "p2.png": _png(_mark(pages[1], layout, 2, _choices(layout, 2), comment=True)),
    }
    _upload(as_counter, open_box_, files)
    batch = _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    assert batch.ballots_entered == 0
    assert batch.sent_to_review == 1
    assert not PendingBallot.objects.exists()
    reading = PendingReading.objects.get(box=open_box_)
    crops = list(ReviewCrop.objects.filter(reading=reading))
    assert doubtful.key in {c.item_key for c in crops}

    queue = as_counter.get(reverse("paper:review_queue", args=[open_box_.pk]))
    assert reverse("paper:review", args=[open_box_.pk, reading.pk]) in queue.content.decode()
    page = as_counter.get(reverse("paper:review", args=[open_box_.pk, reading.pk]))
    body = page.content.decode()
    crop = next(c for c in crops if c.item_key == doubtful.key)
    crop_url = reverse("paper:crop", args=[open_box_.pk, reading.pk, crop.pk])
    assert crop_url in body
    image = as_counter.get(crop_url)
    assert image["Content-Type"] == "image/png"
    assert image["Cache-Control"] == "no-store, private"
    assert image.content.startswith(b"\x89PNG")
    comment_url = reverse("paper:comment_image", args=[open_box_.pk, reading.pk])
    assert comment_url in body

    # An undecided item is refused and nothing enters the box.
    refused = as_counter.post(page.request["PATH_INFO"], {"comment": "x"})
    assert refused.status_code == 400
    assert not PendingBallot.objects.exists()

    decisions = {f"item-{c.item_key}": "" for c in crops}
    decisions[f"item-{doubtful.key}"] = "kha"
    decisions["comment"] = "Đề nghị đồng chí sâu sát cơ sở hơn"
    done = as_counter.post(page.request["PATH_INFO"], decisions)
    assert done.status_code == 302
    ballot = PendingBallot.objects.get(box=open_box_)
    assert ballot.source == "scanned"
    assert content_of(ballot).comment == "Đề nghị đồng chí sâu sát cơ sở hơn"
    assert decode(shapes, content_of(ballot).answers)[doubtful.key] == "kha"
    assert not PendingReading.objects.exists()
    assert not ReviewCrop.objects.exists()


def test_a_double_mark_decided_in_review_follows_the_round_policy(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    rnd = open_box_.conference.round
    rnd.double_mark_policy = "invalid"
    rnd.save(update_fields=["double_mark_policy"])
    choices1 = _choices(layout, 1)
    doubtful = layout.page(1).items[0]
    choices1[doubtful.key] = (1, 3)
    files = {
        "p1.png": _png(_mark(pages[0], layout, 1, choices1)),
        "p2.png": _png(_mark(pages[1], layout, 2, _choices(layout, 2))),
    }
    _upload(as_counter, open_box_, files)
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    reading = PendingReading.objects.get(box=open_box_)
    decisions = {f"item-{c.item_key}": "" for c in reading.crops.all()}
    decisions[f"item-{doubtful.key}"] = "__double__"
    url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    assert as_counter.post(url, decisions).status_code == 302
    assert not PendingBallot.objects.get(box=open_box_).valid


def test_a_copy_with_a_missing_page_waits_and_can_be_completed_from_the_paper(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    _upload(
        as_counter, open_box_, {"p1.png": _png(_mark(pages[0], layout, 1, _choices(layout, 1)))}
    )
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    reading = PendingReading.objects.get(box=open_box_)
    assert not reading.complete
    url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    body = as_counter.get(url).content.decode()
    missing = [item.key for item in layout.page(2).items]
    for key in missing:
        assert f'name="item-{key}"' in body
    response = as_counter.post(url, {f"item-{key}": "tot" for key in missing})
    assert response.status_code == 302
    answers = decode(shapes, content_of(PendingBallot.objects.get(box=open_box_)).answers)
    assert all(answers[key] == "tot" for key in missing)


def test_the_comment_image_is_never_served_to_a_leader_evaluated_in_the_box(
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    leader: User,
    as_counter: Client,
) -> None:
    from phieukin.accounts.models import Membership, Role

    choices1 = _choices(layout, 1)
    choices1[layout.page(1).items[0].key] = None  # a row left blank
    _upload(
        as_counter,
        open_box_,
        {
            "p1.png": _png(_mark(pages[0], layout, 1, choices1)),
            "p2.png": _png(_mark(pages[1], layout, 2, _choices(layout, 2), comment=True)),
        },
    )
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    reading = PendingReading.objects.get(box=open_box_)
    assert reading.comment_crop and reading.complete
    # Even if the leader also sits on the counting committee of the ward.
    Membership.objects.create(user=leader, unit=open_box_.conference.unit, role=Role.COUNTER)
    url = reverse("paper:comment_image", args=[open_box_.pk, reading.pk])
    assert login(leader).get(url).status_code == 404
    assert as_counter.get(url).status_code == 200
    page_url = reverse("paper:page_image", args=[open_box_.pk, reading.pk, 2])
    review_url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    assert login(leader).get(page_url).status_code == 404
    assert login(leader).get(review_url).status_code == 404
    assert as_counter.get(page_url).status_code == 200
    # Nor the image of a row to decide (the rows read as "no answer" are asked here, since a
    # person transcribes the comment), as scanned or with faint marks brought out.
    crop = reading.crops.first()
    assert crop is not None
    crop_url = reverse("paper:crop", args=[open_box_.pk, reading.pk, crop.pk])
    assert login(leader).get(crop_url).status_code == 404
    assert login(leader).get(crop_url + "?faint=1").status_code == 404
    assert as_counter.get(crop_url).status_code == 200


def test_nothing_is_stored_once_the_box_is_sealed(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    close_box(actor=None, box=open_box_)
    seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    response = _upload(as_counter, open_box_, {"p1.png": _png(pages[0])})
    assert response.status_code == 400
    assert "niêm phong" in response.content.decode()
    assert not ScanFile.objects.exists()
    assert not ScanBatch.objects.exists()


def _copy_in_review(
    client: Client,
    box: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    choices1: dict[str, Any],
) -> PendingReading:
    """Scan one copy (page 1 marked as *choices1*, page 2 clear) and return its reading,
    waiting for review."""
    files = {
        "p1.png": _png(_mark(pages[0], layout, 1, choices1)),
        "p2.png": _png(_mark(pages[1], layout, 2, _choices(layout, 2))),
    }
    _upload(client, box, files)
    _run(client, box, ScanBatch.objects.get(box=box))
    return PendingReading.objects.get(box=box)


def test_review_shows_every_page_of_the_copy_with_every_reading_and_takes_the_copys_digits(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    choices1 = _choices(layout, 1)
    doubtful = layout.page(1).items[1]
    choices1[doubtful.key] = (0, 3)
    reading = _copy_in_review(as_counter, open_box_, layout, pages, choices1)
    url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    body = as_counter.get(url).content.decode()
    # Both pages, the clear one too, are shown whole with their readings drawn.
    for number in (1, 2):
        image_url = reverse("paper:page_image", args=[open_box_.pk, reading.pk, number])
        assert image_url in body
        image = as_counter.get(image_url)
        assert image["Content-Type"] == "image/jpeg"
        assert image["Cache-Control"] == "no-store, private"
    assert body.count('class="chosen"') == len(shapes) - 1
    assert body.count('class="doubt"') == 2  # the frame and the "?" of the doubtful row
    # The copy as read, one character per item, the doubt as "?".
    digits = {item.key: str(c + 1) for item, c in _chosen(layout, 1, choices1)}
    digits |= {item.key: str(c + 1) for item, c in _chosen(layout, 2, _choices(layout, 2))}
    digits[doubtful.key] = "?"
    read = "".join(digits[shape.key] for shape in shapes)
    assert f'value="{read}"' in body
    # The reviewer replaces the doubt and corrects another digit the reader got right
    # on paper but the reviewer reads differently: the whole copy is what was typed.
    typed = read.replace("?", "0")
    typed = ("1" if typed[0] != "1" else "2") + typed[1:]
    assert as_counter.post(url, {"keys": typed}).status_code == 302
    answers = decode(shapes, content_of(PendingBallot.objects.get(box=open_box_)).answers)
    for shape, char in zip(shapes, typed, strict=True):
        expected = None if char == "0" else shape.option_keys[int(char) - 1]
        assert answers[shape.key] == expected
    assert not PendingReading.objects.exists()


def test_review_brings_out_a_very_light_tick_on_the_whole_page_for_the_committee_only(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    leader: User,
) -> None:
    from phieukin.paper.omr.reader import SCALE

    # Page 1 holds a doubt (two marks) and, on another item, a very light pencil tick.
    faint_item, doubtful = layout.page(1).items[0], layout.page(1).items[1]
    truth = {item.key: synth.Truth("fill", 1, (1,)) for item in layout.page(1).items[2:]}
    truth[doubtful.key] = synth.Truth("double", None, (0, 2))
    truth[faint_item.key] = synth.Truth("very_light", 3, (3,))
    rng = np.random.default_rng(11)
    page1 = synth.ink_page(pages[0], layout.page(1), truth, DPI, rng, comment=False)
    files = {
        "p1.png": _png(page1),
        "p2.png": _png(_mark(pages[1], layout, 2, _choices(layout, 2))),
    }
    _upload(as_counter, open_box_, files)
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    reading = PendingReading.objects.get(box=open_box_)
    # Whether the reader doubts the tick or reads "no answer", the person decides that row.
    assert faint_item.key in {crop.item_key for crop in reading.crops.all()}
    url = reverse("paper:page_image", args=[open_box_.pk, reading.pk, 1])
    plain, faint = as_counter.get(url), as_counter.get(url + "?faint=1")
    assert faint.status_code == 200 and faint["Content-Type"] == "image/jpeg"
    assert faint["Cache-Control"] == "no-store, private"

    def decoded(response: Any) -> np.ndarray:
        image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_GRAYSCALE)
        assert image is not None
        return image

    box = faint_item.boxes[3]
    inside = (
        slice(round((box.y + 0.9) * SCALE), round((box.y + box.h - 0.9) * SCALE)),
        slice(round((box.x + 0.9) * SCALE), round((box.x + box.w - 0.9) * SCALE)),
    )

    def contrast(image: np.ndarray) -> float:
        values = image[inside].astype(np.float64)
        return 1.0 - float(np.percentile(values, 2)) / float(np.median(values))

    before, after = contrast(decoded(plain)), contrast(decoded(faint))
    assert after > 2.5 * before and after > 0.2
    # The review page offers the view, and opens with it when asked.
    review_url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    body = as_counter.get(review_url).content.decode()
    assert "Làm rõ dấu mờ" in body and f'src="{url}"' in body
    body = as_counter.get(review_url + "?faint=1").content.decode()
    assert "Xem trang như bản quét" in body and f'src="{url}?faint=1"' in body
    # Never to a leader evaluated in the box, whichever way the page is asked for.
    assert login(leader).get(url + "?faint=1").status_code == 404


def test_a_reviewed_copy_leads_straight_to_the_next_whole_copy_then_to_the_queue(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    assert len(pages) >= 4  # one copy of each of two leaders
    files = {}
    for copy in (0, 1):
        choices = _choices(layout, 1, shift=copy)
        choices[layout.page(1).items[1].key] = (0, 2)  # two marks: a doubt
        files[f"c{copy}p1.png"] = _png(_mark(pages[2 * copy], layout, 1, choices))
        files[f"c{copy}p2.png"] = _png(_mark(pages[2 * copy + 1], layout, 2, _choices(layout, 2)))
    # A third copy of which only the first page was scanned waits in the queue too.
    another = _blank_pages(open_box_)[0]  # a copy of its own (a fresh serial)
    files["c2p1.png"] = _png(_mark(another, layout, 1, _choices(layout, 1), seed=3))
    _upload(as_counter, open_box_, files)
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    queue = selectors.review_queue(open_box_)
    assert [r.complete for r in queue] == [True, True, False]
    first, second, partial = queue
    answered = {f"item-{layout.page(1).items[1].key}": "tot"}
    # Reviewed with faint marks brought out: the next copy opens the same way.
    first_url = reverse("paper:review", args=[open_box_.pk, first.pk])
    done = as_counter.post(first_url + "?faint=1", answered)
    assert done["Location"] == reverse("paper:review", args=[open_box_.pk, second.pk]) + "?faint=1"
    following = as_counter.get(done["Location"]).content.decode()
    assert "Phiếu đã vào hòm phiếu." in following
    assert "Xem trang như bản quét" in following
    done = as_counter.post(reverse("paper:review", args=[open_box_.pk, second.pk]), answered)
    # The copy still missing a page is not opened: it waits for its scan in the queue.
    assert done["Location"] == reverse("paper:review_queue", args=[open_box_.pk])
    assert list(PendingReading.objects.values_list("pk", flat=True)) == [partial.pk]
    assert PendingBallot.objects.filter(box=open_box_).count() == 2


def test_a_star_alone_in_review_puts_the_copy_in_the_box_as_an_invalid_ballot(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    choices = _choices(layout, 1)
    choices[layout.page(1).items[0].key] = (1, 3)
    reading = _copy_in_review(as_counter, open_box_, layout, pages, choices)
    url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    assert as_counter.post(url, {"keys": "*"}).status_code == 302
    ballot = PendingBallot.objects.get(box=open_box_)
    assert not ballot.valid
    assert set(content_of(ballot).answers) == {"-"}
    assert not PendingReading.objects.exists()


def test_a_one_bit_scan_is_refused_with_the_fix_and_the_committee_sees_it(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    from PIL import Image

    marked = _mark(pages[0], layout, 1, _choices(layout, 1))
    buffer = io.BytesIO()
    Image.fromarray(marked).convert("1").save(buffer, format="PNG")
    fix = "Quét lại ở chế độ ảnh xám, tối thiểu 150 dpi"
    _refused_alone(as_counter, open_box_, "fax.png", buffer.getvalue(), "bilevel", fix)


def _refused_alone(
    client: Client, box: BallotBox, name: str, data: bytes, code: str, fix: str
) -> None:
    """Scan one file of one page; check it is refused as *code*, the *fix* named to the
    committee in the batch and on the box page."""
    _upload(client, box, {name: data})
    batch = _run(client, box, ScanBatch.objects.get(box=box))
    assert batch.ballots_entered == 0 and not PendingReading.objects.exists()
    (refusal,) = batch.refusals
    assert refusal["code"] == code
    assert fix in refusal["reason"]
    box_page = client.get(reverse("paper:box", args=[box.pk])).content.decode()
    assert name in box_page and fix in box_page


def test_a_corner_folded_over_the_qr_is_refused_with_the_fix_named(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    from phieukin.paper.corpus import capture

    marked = _mark(pages[0], layout, 1, _choices(layout, 1))
    # The top right corner folded over the whole QR code (drawn until the fold hides it).
    rng = np.random.default_rng(4)
    while True:
        folded, hides_qr = capture.dog_ear(marked, rng, DPI)
        if hides_qr:
            break
    fix = "góc phiếu nào bị gấp đè lên mã"
    _refused_alone(as_counter, open_box_, "folded.png", _png(folded), "no_qr", fix)


def test_on_a_copy_a_person_checks_every_row_read_as_no_answer_is_asked_too(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    # Page 1: a double mark (a doubt) and two rows left blank; page 2: one row blank.
    choices1 = _choices(layout, 1)
    doubtful, blank1, blank2 = (
        layout.page(1).items[1],
        layout.page(1).items[3],
        layout.page(1).items[5],
    )
    choices1[doubtful.key] = (0, 3)
    choices1[blank1.key] = choices1[blank2.key] = None
    choices2 = _choices(layout, 2)
    blank3 = layout.page(2).items[0]
    choices2[blank3.key] = None
    files = {
        "p1.png": _png(_mark(pages[0], layout, 1, choices1)),
        "p2.png": _png(_mark(pages[1], layout, 2, choices2)),
    }
    _upload(as_counter, open_box_, files)
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    reading = PendingReading.objects.get(box=open_box_)
    blanks = {blank1.key, blank2.key, blank3.key}
    # The reader read the blank rows as "no answer", without doubt ...
    assert all(reading.answers[key] is None for key in blanks)
    # ... and each is put before the person, with its row's image cut from its page.
    asked = {c.item_key: c for c in reading.crops.all()}
    assert set(asked) == blanks | {doubtful.key}
    for key in blanks:
        assert asked[key].reason == "no_mark_found"
        image = cv2.imdecode(np.frombuffer(bytes(asked[key].image), np.uint8), cv2.IMREAD_GRAYSCALE)
        assert image is not None and image.shape[1] > 3 * image.shape[0] > 0
    url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    body = as_counter.get(url).content.decode()
    assert body.count("Không thấy dấu") == 3
    assert "chỉ gõ 0 khi dòng đó thật sự để trống" in body  # why blank rows are asked
    assert body.count('class="doubt"') == 2 * 4  # frame and "?" of each row to decide
    digits = {item.key: str(c + 1) for item, c in _chosen(layout, 1, choices1)}
    digits |= {item.key: str(c + 1) for item, c in _chosen(layout, 2, choices2)}
    digits |= dict.fromkeys([*blanks, doubtful.key], "?")
    read = "".join(digits[shape.key] for shape in shapes)
    assert f'value="{read}"' in body
    # The row's image, as scanned and with faint marks brought out.
    crop_url = reverse("paper:crop", args=[open_box_.pk, reading.pk, asked[blank1.key].pk])
    assert f'src="{crop_url}"' in body
    assert f'src="{crop_url}?faint=1"' in as_counter.get(url + "?faint=1").content.decode()
    plain, faint = as_counter.get(crop_url), as_counter.get(crop_url + "?faint=1")
    assert faint["Content-Type"] == "image/png" and faint.content != plain.content

    # Deciding only the reader's doubt leaves the asked rows undecided: refused, by number.
    refused = as_counter.post(url, {f"item-{doubtful.key}": "kha"})
    assert refused.status_code == 400
    numbers = sorted(next(s.number for s in _items_of(layout) if s.key == k) for k in blanks)
    assert f"{numbers[0]}, {numbers[1]}, {numbers[2]}" in refused.content.decode()
    assert not PendingBallot.objects.exists()

    # The person finds a very light tick on one of them on the paper: that row is the
    # reader's miss and counts as a correction in the reader's check; the rest stay blank.
    typed = "".join(
        "2" if shape.key == blank2.key else ("0" if ch == "?" else ch)
        for shape, ch in zip(shapes, read, strict=True)
    )
    assert as_counter.post(url, {"keys": typed}).status_code == 302
    answers = decode(shapes, content_of(PendingBallot.objects.get(box=open_box_)).answers)
    assert answers[blank2.key] == shapes[[s.key for s in shapes].index(blank2.key)].option_keys[1]
    assert answers[blank1.key] is None and answers[blank3.key] is None
    check = ReaderCheck.objects.get(box=open_box_)
    assert check.reviewed_items == len(shapes) - 1  # all but the reader's own doubt
    assert check.corrected == 1


def _items_of(layout: BallotLayout) -> list[Any]:
    """Return every item of the layout (its ``number`` is the one printed on the sheet)."""
    return [item for page in range(1, layout.page_count + 1) for item in layout.page(page).items]


def test_a_copy_without_doubt_goes_into_the_box_with_its_unanswered_rows_unasked(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    choices1 = _choices(layout, 1)
    blank = layout.page(1).items[2]
    choices1[blank.key] = None
    files = {
        "p1.png": _png(_mark(pages[0], layout, 1, choices1)),
        "p2.png": _png(_mark(pages[1], layout, 2, _choices(layout, 2))),
    }
    _upload(as_counter, open_box_, files)
    batch = _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    assert (batch.ballots_entered, batch.sent_to_review) == (1, 0)
    assert not ReviewCrop.objects.exists()
    answers = decode(shapes, content_of(PendingBallot.objects.get(box=open_box_)).answers)
    assert answers[blank.key] is None


def test_a_copy_missing_a_page_asks_the_unanswered_rows_of_the_page_it_has(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    choices1 = _choices(layout, 1)
    blank = layout.page(1).items[4]
    choices1[blank.key] = None
    _upload(as_counter, open_box_, {"p1.png": _png(_mark(pages[0], layout, 1, choices1))})
    _run(as_counter, open_box_, ScanBatch.objects.get(box=open_box_))
    reading = PendingReading.objects.get(box=open_box_)
    assert not reading.complete and not reading.crops.exists()
    url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    body = as_counter.get(url).content.decode()
    assert f'name="item-{blank.key}"' in body and "Không thấy dấu" in body
    decisions = {f"item-{item.key}": "tot" for item in layout.page(2).items}
    assert as_counter.post(url, decisions).status_code == 400  # the blank row is undecided
    decisions[f"item-{blank.key}"] = ""
    assert as_counter.post(url, decisions).status_code == 302
