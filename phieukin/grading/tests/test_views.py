"""The grading pages: a year opened on the web, the steps taken by their roles, the cap warning."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document

from phieukin.accounts.models import User
from phieukin.grading.models import Grading, GradingYear, Step
from phieukin.grading.tests.conftest import collective
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_organiser_opens_a_year_on_the_web(district: Unit, district_organiser: User) -> None:
    client = as_user(district_organiser)
    response = client.post(
        "/gradings/", {"organiser_unit": district.pk, "year": 2025, "regulation": ""}
    )
    year = GradingYear.objects.get(year=2025)
    assert response.status_code == 302 and year.regulation == "QD366"
    page = client.get(f"/gradings/years/{year.pk}/").content.decode()
    assert "QĐ 366" in page or "366-QĐ/TW" in page


def test_the_steps_are_taken_on_the_web_by_their_roles(
    year_2025: GradingYear,
    wards: list[Unit],
    ward_organiser: User,
    district_organiser: User,
    standing: User,
) -> None:
    grading = collective(year_2025, wards[0])
    url = f"/gradings/{grading.pk}/"
    office = as_user(ward_organiser)
    assert 'name="self-general"' in office.get(url).content.decode()
    assert 'name="propose-general"' not in office.get(url).content.decode()
    office.post(
        url + "steps/self/",
        {"self-text": "Tự đánh giá", "self-general": "28", "self-tasks": "61,5"},
    )
    assert Grading.objects.get(pk=grading.pk).self_grade == "HTTNV"  # 89,5
    # The office cannot propose, even by posting directly.
    office.post(
        url + "steps/propose/",
        {"propose-text": "x", "propose-general": "30", "propose-tasks": "70"},
    )
    assert Grading.objects.get(pk=grading.pk).step == Step.SELF_ASSESSED
    as_user(district_organiser).post(
        url + "steps/propose/",
        {"propose-text": "Đề xuất", "propose-general": "29", "propose-tasks": "61"},
    )
    as_user(standing).post(
        url + "steps/decide/",
        {"decide-text": "Quyết định", "decide-general": "29", "decide-tasks": "61"},
    )
    grading.refresh_from_db()
    assert (grading.step, grading.decided_grade) == (Step.DECIDED, "HTXSNV")


def test_a_group_over_the_cap_shows_a_clear_warning(
    year_2025: GradingYear, wards: list[Unit], district_organiser: User
) -> None:
    from decimal import Decimal

    from phieukin.grading import services

    for ward in wards[:2]:
        services.self_assess(
            actor=None,
            grading=collective(year_2025, ward),
            text="x",
            general=Decimal(30),
            tasks=Decimal(65),
        )
    page = as_user(district_organiser).get(f"/gradings/years/{year_2025.pk}/").content.decode()
    assert 'class="errorbox" role="alert"' in page


def test_the_review_form_is_a_docx_with_the_self_assessment(
    year_2024: GradingYear, wards: list[Unit], ward_organiser: User
) -> None:
    from phieukin.grading import services

    grading = services.self_assess(
        actor=ward_organiser,
        grading=collective(year_2024, wards[0]),
        text="Lãnh đạo hoàn thành các chỉ tiêu",
        grade="HTTNV",
    )
    response = as_user(ward_organiser).get(f"/gradings/{grading.pk}/ban-kiem-diem.docx")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Lãnh đạo hoàn thành các chỉ tiêu" in text
    assert "Hoàn thành tốt nhiệm vụ" in text
    assert "124-QĐ/TW" in text


def test_a_step_posted_by_the_wrong_role_is_refused_with_403(
    year_2024: GradingYear,
    wards: list[Unit],
    district_organiser: User,
    standing: User,
    outsider: User,
) -> None:
    grading = collective(year_2024, wards[0])
    url = f"/gradings/{grading.pk}/steps/self/"
    data = {"self-text": "x", "self-grade": "HTTNV"}
    assert as_user(district_organiser).post(url, data).status_code == 403
    assert as_user(standing).post(url, data).status_code == 403
    assert as_user(outsider).post(url, data).status_code == 404
    assert Grading.objects.get(pk=grading.pk).step == Step.PENDING


def test_only_the_organiser_may_post_a_new_year(district: Unit, ward_organiser: User) -> None:
    response = as_user(ward_organiser).post(
        "/gradings/", {"organiser_unit": district.pk, "year": 2024}
    )
    assert response.status_code == 403
    assert not GradingYear.objects.exists()
