"""Slips printed with the default local address (127.0.0.1) are flagged before they mislead."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from phieukin.ballots.documents import code_slips_pdf
from phieukin.core import publicurl
from phieukin.reports.tests.helpers import pdf_text
from phieukin.rounds.models import BallotBox


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000/", True),
        ("http://[::1]:8000", True),
        ("https://phieukin.hanoi.gov.vn", False),
        ("http://192.168.1.20:8000", False),
    ],
)
def test_a_local_address_is_recognised(url: str, local: bool) -> None:
    assert publicurl.is_local(url) is local


def test_the_slips_pdf_warns_only_while_the_address_is_local(box: BallotBox, settings: Any) -> None:
    settings.PHIEUKIN_PUBLIC_URL = "http://127.0.0.1:8000"
    local = pdf_text(code_slips_pdf(box, ["ABCD-EFGH-JKM0"]))
    assert "CHÚ Ý: địa chỉ in trên phiếu (http://127.0.0.1:8000)" in local
    settings.PHIEUKIN_PUBLIC_URL = "https://phieukin.hanoi.gov.vn"
    public = pdf_text(code_slips_pdf(box, ["ABCD-EFGH-JKM0"]))
    assert "CHÚ Ý" not in public and "https://phieukin.hanoi.gov.vn/v/" in public


def test_the_box_page_warns_while_the_address_is_local(
    as_persona: Any, box: BallotBox, settings: Any
) -> None:
    url = reverse("ballots:detail", args=[box.pk])
    settings.PHIEUKIN_PUBLIC_URL = "http://127.0.0.1:8000"
    page = as_persona("district_organiser").get(url).content.decode()
    assert "chỉ mở được trên chính máy chủ này" in page and "PHIEUKIN_PUBLIC_URL" in page
    settings.PHIEUKIN_PUBLIC_URL = "https://phieukin.hanoi.gov.vn"
    page = as_persona("district_organiser").get(url).content.decode()
    assert "chỉ mở được trên chính máy chủ này" not in page
