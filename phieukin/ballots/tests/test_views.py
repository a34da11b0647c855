"""Committee and organiser pages of a box, per persona."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from phieukin.ballots import services
from phieukin.ballots.models import BoxKey, Code, Seal
from phieukin.rounds.models import BallotBox


def test_a_ward_organiser_prints_codes_then_opens_the_box_and_gets_the_share_slips(
    client: Client, box: BallotBox, ward_organiser: Any
) -> None:
    client.force_login(ward_organiser)
    assert client.get("/ballots/").status_code == 200
    page = client.get(f"/ballots/{box.pk}/").content.decode()
    assert "không bao giờ niêm phong" in page or "can never be sealed" in page
    response = client.post(f"/ballots/{box.pk}/codes/", {"count": "4"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Code.objects.filter(box=box).count() == 4
    opened = client.post(
        f"/ballots/{box.pk}/open/",
        {"members": "3", "threshold": "2", "recovery": "1", "confirm": "yes"},
    )
    box.refresh_from_db()
    assert box.state == "open"
    assert "no-store" in opened["Cache-Control"]
    body = opened.content.decode()
    shares = re.findall(r"\b(?:[0-9A-Z]{5}-){6}[0-9A-Z]{5}\b", body)
    assert len(set(shares)) == 4
    assert "data:application/pdf;base64," in body
    assert client.get(f"/ballots/{box.pk}/zero-report.pdf").content.startswith(b"%PDF")
    # Once open, new codes need the counting committee.
    client.post(f"/ballots/{box.pk}/codes/", {"count": "4"})
    assert Code.objects.filter(box=box).count() == 4


def test_the_counting_committee_seals_on_the_web_with_its_shares(
    client: Client, box: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    client.force_login(ward_organiser)
    body = client.post(
        f"/ballots/{box.pk}/open/", {"members": "3", "threshold": "2", "confirm": "yes"}
    ).content
    shares = re.findall(r"\b(?:[0-9A-Z]{5}-){6}[0-9A-Z]{5}\b", body.decode())
    assert len(set(shares)) == 3
    services.close_box(actor=None, box=box)
    client.force_login(counter)
    page = client.get(f"/ballots/{box.pk}/").content.decode()
    assert page.count('name="share"') == 2
    client.post(
        f"/ballots/{box.pk}/seal/", {"share": [shares[0]], "acknowledge": "1", "confirm": "yes"}
    )
    box.refresh_from_db()
    assert box.state == "closed"
    client.post(
        f"/ballots/{box.pk}/seal/",
        {
            "share": [shares[0], shares[2]],
            "acknowledge": "1",
            "confirm": "yes",
        },
    )
    box.refresh_from_db()
    assert box.state == "sealed"


def test_an_outsider_cannot_see_the_box(client: Client, box: BallotBox, outsider: Any) -> None:
    client.force_login(outsider)
    assert client.get(f"/ballots/{box.pk}/").status_code == 404
    assert client.post(f"/ballots/{box.pk}/open/").status_code == 404
    box.refresh_from_db()
    assert box.state == "prepared"


def test_the_live_counts_show_counts_only(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any, ward_organiser: Any
) -> None:
    services.cast_ballot(code=box_codes[0], sheets=sheets(0, "bí mật"))
    client.force_login(ward_organiser)
    data = client.get(f"/ballots/{open_box_.pk}/live/").json()
    assert set(data) == {"state", "present", "invited", "codes_used", "ballots_received"}
    assert data["codes_used"] == 1
    page = client.get(f"/ballots/{open_box_.pk}/").content.decode()
    assert "bí mật" not in page


def test_the_committee_must_acknowledge_a_mismatch_to_seal(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any, counter: Any
) -> None:
    services.cast_ballot(code=box_codes[0], sheets=sheets())
    client.force_login(counter)
    client.post(f"/ballots/{open_box_.pk}/close/", {"confirm": "yes"})
    page = client.get(f"/ballots/{open_box_.pk}/").content.decode()
    assert "chưa khớp" in page.lower() or "không khớp" in page.lower()
    client.post(f"/ballots/{open_box_.pk}/seal/", {"confirm": "yes"})
    assert not Seal.objects.exists()
    client.post(f"/ballots/{open_box_.pk}/seal/", {"acknowledge": "1", "confirm": "yes"})
    assert Seal.objects.get(box=open_box_).reconciliation_acknowledged
    minutes = client.get(f"/ballots/{open_box_.pk}/minutes.pdf")
    assert minutes.content.startswith(b"%PDF")
    client.post(f"/ballots/{open_box_.pk}/verify/")
    assert "nguyên vẹn" in client.get(f"/ballots/{open_box_.pk}/").content.decode()


def test_a_photo_of_the_signed_minutes_can_be_attached(
    client: Client,
    open_box_: BallotBox,
    box_codes: list[str],
    sheets: Any,
    counter: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    services.cast_ballot(code=box_codes[0], sheets=sheets())
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    client.force_login(counter)
    photo = SimpleUploadedFile("bien-ban.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg")
    client.post(f"/ballots/{open_box_.pk}/signed/", {"signed": photo})
    seal = Seal.objects.get(box=open_box_)
    assert seal.signed_minutes.name.startswith("signed/")
    assert services.verify_box(box=open_box_).ok  # attaching changes nothing in the box


def _sealed_with_one_ballot(box: BallotBox, codes: list[str], sheets: Any) -> BallotBox:
    services.cast_ballot(code=codes[0], sheets=sheets())
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return box


def test_signed_minutes_of_another_kind_are_refused_with_415_on_the_box_page(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any, counter: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    box = _sealed_with_one_ballot(open_box_, box_codes, sheets)
    client.force_login(counter)
    text = SimpleUploadedFile("bien-ban.pdf", b"just some text", "application/pdf")
    response = client.post(f"/ballots/{box.pk}/signed/", {"signed": text})
    assert response.status_code == 415
    page = response.content.decode()
    assert "Không nhận loại tệp này" in page
    assert "PDF, PNG, JPEG" in page
    assert not Seal.objects.get(box=box).signed_minutes


def test_signed_minutes_above_the_size_limit_are_refused_with_413_on_the_box_page(
    client: Client,
    open_box_: BallotBox,
    box_codes: list[str],
    sheets: Any,
    counter: Any,
    monkeypatch: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from phieukin.ballots.services import sealing

    box = _sealed_with_one_ballot(open_box_, box_codes, sheets)
    monkeypatch.setattr(sealing, "SIGNED_MINUTES_MAX_BYTES", 1024)
    client.force_login(counter)
    big = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n" + b"0" * 2048, "application/pdf")
    response = client.post(f"/ballots/{box.pk}/signed/", {"signed": big})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()
    assert not Seal.objects.get(box=box).signed_minutes


def test_opening_closing_and_sealing_without_the_confirmation_change_nothing(
    client: Client, box: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    client.force_login(ward_organiser)
    page = client.get(f"/ballots/{box.pk}/").content.decode()
    assert 'name="confirm" value="yes" required' in page
    refused = client.post(f"/ballots/{box.pk}/open/", {"members": "3", "threshold": "2"})
    assert refused.status_code == 302
    box.refresh_from_db()
    assert box.state == "prepared"
    assert not BoxKey.objects.filter(box=box).exists()
    followed = client.get(f"/ballots/{box.pk}/").content.decode()
    assert "Chưa có thay đổi nào" in followed

    services.open_box(actor=None, box=box)
    client.post(f"/ballots/{box.pk}/close/")
    box.refresh_from_db()
    assert box.state == "open"
    services.close_box(actor=None, box=box)
    client.force_login(counter)
    client.post(f"/ballots/{box.pk}/seal/", {"acknowledge": "1"})
    box.refresh_from_db()
    assert box.state == "closed"
    assert not Seal.objects.exists()
