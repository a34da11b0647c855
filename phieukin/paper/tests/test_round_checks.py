"""The scan reader's checks across a round: per ward, summed, with an honest upper limit.

The random blind check of each box counts how often the paper differed from the reader.
The propaganda department and the Standing Committee need those counts across the wards
of a round, and what they say about the reader: with 0 differences in 200 items the rate
is not 0 but "no more than about 1 in 67". Each reader sees the wards they read.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from phieukin.accounts.models import User
from phieukin.api.auth import create_api_token
from phieukin.ballots.models import Seal
from phieukin.ballots.sheet import ItemShape
from phieukin.paper import checkstats
from phieukin.paper.checkstats import upper_error_rate
from phieukin.paper.layout import BallotLayout
from phieukin.paper.models import ReaderCheck
from phieukin.paper.selectors import reader_check_report
from phieukin.paper.tests.test_scan_flow import layout, pages
from phieukin.paper.tests.test_spot_check import _copy_in_check, _read_digits, _sealed
from phieukin.rounds.models import BallotBox
from phieukin.units.models import Unit

__all__ = ["layout", "pages"]  # fixtures shared with the scan flow tests

pytestmark = pytest.mark.django_db


# --- The upper limit (pure) -------------------------------------------------------------


def test_the_upper_limit_matches_the_textbook_values() -> None:
    # No difference in n items: the limit solves (1 - p)^n = 0.05.
    assert upper_error_rate(0, 300) == pytest.approx(1 - 0.05 ** (1 / 300), rel=1e-9)
    # One in a hundred: 0.0466 in every table of the Clopper–Pearson interval.
    assert upper_error_rate(1, 100) == pytest.approx(0.04656, abs=1e-5)
    # Two in 50,000: near the Poisson limit 6.296 / 50,000.
    assert upper_error_rate(2, 50_000) == pytest.approx(6.296 / 50_000, rel=2e-3)
    assert upper_error_rate(0, 0) is None
    assert upper_error_rate(5, 5) == 1.0
    for errors, trials in ((-1, 10), (11, 10), (0, -1)):
        with pytest.raises(ValueError):
            upper_error_rate(errors, trials)


@settings(max_examples=150, deadline=None)
@given(trials=st.integers(1, 20_000), share=st.floats(0, 0.999))
def test_the_upper_limit_is_where_seeing_so_few_differences_becomes_unlikely(
    trials: int, share: float
) -> None:
    errors = math.floor(share * trials)
    upper = upper_error_rate(errors, trials)
    assert upper is not None
    assert errors / trials <= upper <= 1.0
    # At the limit, seeing this few differences happens 5 % of the time.
    assert checkstats._binomial_cdf(errors, trials, upper) == pytest.approx(0.05, abs=1e-6)
    # One more difference can only raise it.
    if errors < trials:
        bigger = upper_error_rate(errors + 1, trials)
        assert bigger is not None and bigger > upper


# --- The round's page, API and command --------------------------------------------------


@pytest.fixture
def checked(
    as_counter: Client,
    open_box_: BallotBox,
    box_b: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> dict[str, Any]:
    """Ward 0: one copy checked blind, two items differing, box sealed. Ward 1 (open):
    three copies checked with no difference, one correction in review."""
    url = _copy_in_check(as_counter, open_box_, layout, pages)
    paper = list(_read_digits(layout, shapes))
    paper[0] = "0"
    paper[2] = "1" if paper[2] != "1" else "2"
    assert as_counter.post(url, {"keys": "".join(paper)}).status_code == 302
    _sealed(open_box_)
    ReaderCheck.objects.create(
        box=box_b, spot_copies=3, spot_items=60, reviewed_items=40, corrected=1
    )
    items = len(shapes) + 60
    upper = upper_error_rate(2, items)
    assert upper is not None
    return {"items": items, "one_in": math.floor(1 / upper)}


def _vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_the_round_page_counts_each_ward_and_the_sum_with_the_upper_limit(
    as_persona: Any, checked: dict[str, Any], open_box_: BallotBox, wards: list[Unit]
) -> None:
    url = reverse("paper:round_checks", args=[open_box_.conference.round_id])
    page = " ".join(as_persona("district_organiser").get(url).content.decode().split())
    assert wards[0].name in page and wards[1].name in page
    assert "đã niêm phong" in page and "chưa niêm phong" in page
    assert (
        f"Phiếu giấy khác máy đọc ở 2 trong {_vn(checked['items'])} câu đã kiểm tra. Với độ "
        f"tin cậy 95 %, máy đọc sai không quá 1 trong {_vn(checked['one_in'])} câu"
    ) in page
    # The other wards of the round scanned nothing.
    others = open_box_.conference.round.conferences.count() - 2
    if others:
        assert f"{others} hòm phiếu khác của đợt không có phiếu quét" in page
    # A sealed box shows its figures as sealed: a later change to the live row is not read.
    ReaderCheck.objects.filter(box=open_box_).update(spot_differences=0)
    again = " ".join(as_persona("district_organiser").get(url).content.decode().split())
    assert "Phiếu giấy khác máy đọc ở 2 trong" in again


def test_each_reader_sees_only_the_wards_they_read(
    as_persona: Any,
    checked: dict[str, Any],
    open_box_: BallotBox,
    wards: list[Unit],
    counter_b: Any,
) -> None:
    url = reverse("paper:round_checks", args=[open_box_.conference.round_id])
    own = as_persona("counter").get(url).content.decode()
    assert wards[0].name in own and wards[1].name not in own
    client = Client()
    client.force_login(counter_b)
    other = client.get(url).content.decode()
    assert wards[1].name in other and wards[0].name not in other
    # No difference in 60 items is not "never wrong": the page gives the limit.
    upper = upper_error_rate(0, 60)
    assert upper is not None
    assert f"máy đọc sai không quá 1 trong {math.floor(1 / upper)} câu" in " ".join(other.split())
    assert as_persona("leader").get(url).status_code == 403
    nobody = Client()
    nobody.force_login(User.objects.create_user(username="khongvaitro", password="pw"))
    assert nobody.get(url).status_code == 404


def test_the_round_page_is_linked_from_the_round_for_its_readers(
    as_persona: Any, checked: dict[str, Any], open_box_: BallotBox
) -> None:
    round_url = reverse("rounds:detail", args=[open_box_.conference.round_id])
    link = reverse("paper:round_checks", args=[open_box_.conference.round_id])
    assert link in as_persona("counter").get(round_url).content.decode()
    assert link not in as_persona("leader").get(round_url).content.decode()


def test_before_any_check_the_page_says_the_rate_is_not_known(
    as_persona: Any, open_box_: BallotBox, box_b: BallotBox
) -> None:
    ReaderCheck.objects.create(box=box_b, reviewed_items=12)
    url = reverse("paper:round_checks", args=[open_box_.conference.round_id])
    page = as_persona("district_organiser").get(url).content.decode()
    assert "chưa biết tỷ lệ sai của máy đọc" in page
    assert "độ tin cậy" not in page


def test_the_api_gives_the_same_figures_to_each_token_over_its_wards(
    checked: dict[str, Any],
    open_box_: BallotBox,
    wards: list[Unit],
    district_organiser: Any,
    counter_b: Any,
    leader: Any,
) -> None:
    client = Client()
    url = f"/api/v1/admin/rounds/{open_box_.conference.round_id}/reader-checks"

    def get(user: Any) -> Any:
        token = create_api_token(user=user, name="t")
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    body = get(district_organiser).json()
    assert [row["ward"] for row in body["wards"]] == [wards[0].name, wards[1].name]
    first = body["wards"][0]
    assert (first["sealed"], first["scanned"], first["spot_copies"]) == (True, 1, 1)
    assert (first["spot_differences"], first["spot_copies_differing"]) == (2, 1)
    assert body["total"]["spot_items"] == checked["items"]
    assert body["total"]["corrected"] == 1
    assert body["one_in"] == checked["one_in"] and body["confidence"] == 0.95
    assert body["upper_error_rate"] == pytest.approx(upper_error_rate(2, checked["items"]))
    narrow = get(counter_b).json()
    assert [row["ward"] for row in narrow["wards"]] == [wards[1].name]
    refused = get(leader)
    assert refused.status_code == 403
    assert "máy đọc phiếu quét" in refused.json()["detail"]


def test_the_command_prints_the_table_and_json(
    checked: dict[str, Any], open_box_: BallotBox, wards: list[Unit]
) -> None:
    round_id = open_box_.conference.round_id
    out = io.StringIO()
    call_command("reader_checks", str(round_id), stdout=out)
    text = out.getvalue()
    assert text.startswith("Kiểm tra máy đọc phiếu quét — ")
    assert wards[0].name in text and wards[1].name in text and "Tổng cộng" in text
    assert f"máy đọc sai không quá 1 trong {_vn(checked['one_in'])} câu" in text
    out = io.StringIO()
    call_command("reader_checks", str(round_id), "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["total"]["spot_differences"] == 2 and body["one_in"] == checked["one_in"]
    with pytest.raises(CommandError, match="Không có đợt"):
        call_command("reader_checks", "999999")


def test_a_box_sealed_before_seals_recorded_the_checks_shows_its_live_figures(
    checked: dict[str, Any], open_box_: BallotBox
) -> None:
    seal = Seal.objects.get(box=open_box_)
    older = {key: value for key, value in seal.counts.items() if key != "scan_checks"}
    Seal.objects.filter(pk=seal.pk).update(counts=older)
    report = reader_check_report(None, open_box_.conference.round)
    row = next(r for r in report.rows if r.box == open_box_)
    assert row.sealed and (row.spot_copies, row.spot_differences) == (1, 2)


def test_the_spreadsheet_holds_the_page_s_rows_the_sum_and_the_conclusion(
    as_persona: Any, checked: dict[str, Any], open_box_: BallotBox, wards: list[Unit]
) -> None:
    round_id = open_box_.conference.round_id
    page = as_persona("district_organiser").get(reverse("paper:round_checks", args=[round_id]))
    url = reverse("paper:round_checks_xlsx", args=[round_id])
    assert url in page.content.decode()
    response = as_persona("district_organiser").get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"kiem-tra-may-doc-dot-{round_id}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0].startswith("Kiểm tra máy đọc phiếu quét — ")
    assert f"không quá 1 trong {_vn(checked['one_in'])} câu" in values[1][0]
    assert values[2][0] == "Phường, xã" and values[2][5] == "Câu phiếu giấy khác kết quả máy đọc"
    by_ward = {row[0]: row for row in values[3:]}
    assert by_ward[wards[0].name][1:] == ["đã niêm phong", 1, 1, checked["items"] - 60, 2, 1, 0, 0]
    assert by_ward[wards[1].name][1:] == ["chưa niêm phong", 0, 3, 60, 0, 0, 40, 1]
    assert by_ward["Tổng cộng"][2:] == [1, 4, checked["items"], 2, 1, 40, 1]
    # Each reader's file holds only the wards they read.
    narrow = load_workbook(io.BytesIO(as_persona("counter").get(url).content)).active
    assert narrow is not None
    names = [row[0] for row in narrow.iter_rows(min_row=4, values_only=True)]
    assert names == [wards[0].name, "Tổng cộng"]
