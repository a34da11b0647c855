"""Sealing with the committee's key shares: t open the box, t−1 or a wrong share change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from phieukin.ballots import services
from phieukin.ballots.models import Ballot, BoxKey, Code, PendingBallot, PendingReceipt, Receipt
from phieukin.ballots.tests.conftest import full_sheets
from phieukin.core.errors import DomainError
from phieukin.rounds.models import BallotBox
from phieukin.testing.boxes import kept_shares


def _voted_and_closed(box: BallotBox, sheets: Any, count: int = 6) -> list[str]:
    receipts: list[str] = []
    for i, code in enumerate(services.generate_codes(actor=None, box=box, count=count)):
        receipts += services.cast_ballot(code=code, sheets=sheets(i % 3, f"comment {i}"))
    services.close_box(actor=None, box=box)
    return receipts


def test_opening_keeps_only_the_public_key_and_hands_out_t_of_n_shares(box: BallotBox) -> None:
    opening = services.open_box(actor=None, box=box, threshold=2, members=3, recovery=True)
    assert (opening.threshold, opening.members, len(opening.shares)) == (2, 3, 4)
    assert opening.recovery_share == opening.shares[3]
    key = BoxKey.objects.get(box=box)
    assert len(bytes(key.public_key)) == 32
    stored = repr(list(BoxKey.objects.filter(box=box).values()))
    for share in opening.shares:
        assert share not in stored and share.replace("-", "") not in stored


def test_ballots_of_an_open_box_are_stored_as_ciphertext_only(
    open_box_: BallotBox, sheets: Any
) -> None:
    code = services.generate_codes(actor=None, box=open_box_, count=1)[0]
    services.cast_ballot(code=code, sheets=sheets(1, "marker-comment"))
    rows = list(PendingBallot.objects.filter(box=open_box_).values())
    assert not Ballot.objects.exists()  # the sealed history holds nothing of an open box
    assert rows and all(r["answers"] == "" and r["comment"] == "" for r in rows)
    assert all(r["group_id"] is None and r["ciphertext"] for r in rows)
    assert b"marker" not in b"".join(bytes(r["ciphertext"] or b"") for r in rows)
    # Live counts still work without reading anything.
    counts = services.box_counts(open_box_)
    assert (counts.ballots_total, counts.ballots_online, counts.codes_used) == (2, 2, 1)


def test_sealing_with_t_shares_decrypts_and_verifies(open_box_: BallotBox, sheets: Any) -> None:
    receipts = _voted_and_closed(open_box_, sheets)
    shares = kept_shares(open_box_)
    seal = services.seal_box(
        actor=None, box=open_box_, shares=[shares[2], shares[0]], acknowledge_mismatch=True
    )
    comments = sorted(Ballot.objects.filter(box=open_box_).values_list("comment", flat=True))
    assert comments == sorted(f"comment {i}" for i in range(6) for _leader in range(2))
    assert not PendingBallot.objects.exists() and not PendingReceipt.objects.exists()
    assert not Code.objects.exists()  # the box's codes moved to the sealed history
    assert sorted(Receipt.objects.filter(box=open_box_).values_list("value", flat=True)) == sorted(
        receipts
    )
    assert seal.counts["ballots_total"] == 12
    assert services.verify_box(box=open_box_).ok


_COMMENTS = ("", "Đồng chí cần sâu sát cơ sở hơn.", "ệ" * 2000, "😀" * 1000, 'Nói "thẳng" \\ 😀')


@pytest.mark.parametrize(("sheet_format", "plain_size"), [(2, 4256), (1, 8256)])
def test_a_box_keeps_the_sheet_layout_it_opened_with_to_the_seal(
    box: BallotBox, sheet_format: int, plain_size: int
) -> None:
    # New boxes write compact sheets; a box opened before them (layout 1 in its key)
    # keeps its own to the end, so all the ciphertexts of one box have one length.
    services.open_box(actor=None, box=box)
    assert BoxKey.objects.get(box=box).sheet_format == 2
    BoxKey.objects.filter(box=box).update(sheet_format=sheet_format)
    assert box.conference.round.questionnaire.comment_max_length == 2000
    codes = services.generate_codes(actor=None, box=box, count=len(_COMMENTS))
    for code, comment in zip(codes, _COMMENTS, strict=True):
        services.cast_ballot(code=code, sheets=full_sheets(box, 1, comment))
    lengths = {
        len(bytes(c or b""))
        for c in PendingBallot.objects.filter(box=box).values_list("ciphertext", flat=True)
    }
    assert lengths == {plain_size + 48}
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    comments = sorted(Ballot.objects.filter(box=box).values_list("comment", flat=True))
    leaders = len(full_sheets(box))
    assert comments == sorted(c.strip() for c in _COMMENTS for _leader in range(leaders))
    assert services.verify_box(box=box).ok


def test_a_forged_compact_sheet_over_the_limit_in_units_is_refused_at_the_seal(
    open_box_: BallotBox, sheets: Any
) -> None:
    # Written straight to the table with the box's public key: 1.001 emoji are 1.001
    # characters but 2.002 units, over the limit a compact box holds its comments to.
    from phieukin.ballots import boxkeys

    code = services.generate_codes(actor=None, box=open_box_, count=1)[0]
    services.cast_ballot(code=code, sheets=sheets(0, "thật"))
    key = BoxKey.objects.get(box=open_box_)
    forged = boxkeys.encrypt_sheet(
        bytes(key.public_key),
        answers="0" * 21,  # the first option of each of the 21 items
        group_id=None,
        comment="😀" * 1001,
        size=boxkeys.padded_size(2000) + 100,
    )
    PendingBallot.objects.filter(box=open_box_).update(ciphertext=forged)
    services.close_box(actor=None, box=open_box_)
    with pytest.raises(DomainError) as error:
        services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    assert error.value.code == "unreadable_ballot"


def test_a_comment_is_limited_in_the_units_a_browser_counts(
    open_box_: BallotBox, sheets: Any
) -> None:
    code = services.generate_codes(actor=None, box=open_box_, count=1)[0]
    for too_long in ("😀" * 1001, "ệ" * 1999 + "😀"):
        with pytest.raises(DomainError) as error:
            services.cast_ballot(code=code, sheets=sheets(0, too_long))
        assert error.value.code == "comment_too_long"
    assert not PendingBallot.objects.exists()
    services.cast_ballot(code=code, sheets=sheets(0, "ệ" * 1998 + "😀"))
    assert PendingBallot.objects.filter(box=open_box_).count() == len(sheets())


def test_the_recovery_share_replaces_a_lost_one(open_box_: BallotBox, sheets: Any) -> None:
    _voted_and_closed(open_box_, sheets, count=2)
    shares = kept_shares(open_box_)
    services.seal_box(
        actor=None, box=open_box_, shares=[shares[1], shares[3]], acknowledge_mismatch=True
    )
    open_box_.refresh_from_db()
    assert open_box_.state == "sealed"


def test_t_minus_one_shares_fail_with_a_clear_message_and_change_nothing(
    open_box_: BallotBox, sheets: Any
) -> None:
    _voted_and_closed(open_box_, sheets, count=3)
    before = sorted(
        bytes(c or b"") for c in PendingBallot.objects.values_list("ciphertext", flat=True)
    )
    with pytest.raises(DomainError) as error:
        services.seal_box(
            actor=None, box=open_box_, shares=kept_shares(open_box_)[:1], acknowledge_mismatch=True
        )
    assert error.value.code == "shares_too_few"
    assert "mảnh dự phòng" in str(error.value.message) or "recovery" in str(error.value.message)
    open_box_.refresh_from_db()
    assert open_box_.state == "closed"
    assert (
        sorted(bytes(c or b"") for c in PendingBallot.objects.values_list("ciphertext", flat=True))
        == before
    )


def test_a_wrong_share_fails_without_harm_and_the_right_ones_still_seal(
    open_box_: BallotBox, sheets: Any
) -> None:
    _voted_and_closed(open_box_, sheets, count=3)
    shares = kept_shares(open_box_)
    other = BallotBox.objects.exclude(pk=open_box_.pk).filter(state="prepared").first()
    assert other is not None
    foreign = services.open_box(actor=None, box=other).shares[0]
    mistyped = shares[1][:-1] + ("0" if shares[1][-1] != "0" else "1")
    for wrong, code in ((foreign, "share_other_box"), (mistyped, "share_typo")):
        with pytest.raises(DomainError) as error:
            services.seal_box(
                actor=None, box=open_box_, shares=[shares[0], wrong], acknowledge_mismatch=True
            )
        assert error.value.code == code
    open_box_.refresh_from_db()
    assert open_box_.state == "closed"
    services.seal_box(actor=None, box=open_box_, shares=shares[:2], acknowledge_mismatch=True)
    assert services.verify_box(box=open_box_).ok


def test_a_public_key_swapped_behind_the_products_back_is_refused(
    open_box_: BallotBox, sheets: Any
) -> None:
    _voted_and_closed(open_box_, sheets, count=1)
    from phieukin.ballots import boxkeys

    forged = boxkeys.new_box_key(threshold=2, members=3, recovery=False)
    BoxKey.objects.filter(box=open_box_).update(
        public_key=forged.public_key, fingerprint=forged.fingerprint
    )
    with pytest.raises(DomainError) as error:
        services.seal_box(
            actor=None,
            box=open_box_,
            shares=[s.typed() for s in forged.shares[:2]],
            acknowledge_mismatch=True,
        )
    assert error.value.code == "key_changed"


def test_open_box_writes_the_shares_and_seal_box_reads_them(
    wards: Any, open_round_: Any, tmp_path: Path
) -> None:
    codes_out, shares_out = tmp_path / "codes.txt", tmp_path / "shares.txt"
    call_command(
        "open_box",
        "--ward",
        wards[2].name,
        "--codes",
        "2",
        "--codes-out",
        str(codes_out),
        "--shares-out",
        str(shares_out),
    )
    box = BallotBox.objects.get(conference__unit=wards[2], conference__round=open_round_)
    lines = shares_out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and all(len(line) == 41 for line in lines)
    one_share = tmp_path / "one.txt"
    one_share.write_text(lines[0] + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2"):
        call_command("seal_box", str(box.pk), "--shares-file", str(one_share))
    call_command(
        "seal_box", str(box.pk), "--shares-file", str(shares_out), "--acknowledge-mismatch"
    )
    box.refresh_from_db()
    assert box.state == "sealed"
    call_command("verify_box", str(box.pk))
