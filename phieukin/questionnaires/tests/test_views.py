"""Questionnaire pages: list, detail, YAML upload with line-numbered errors, download."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phieukin.questionnaires.models import Questionnaire
from phieukin.questionnaires.services import DEFAULT_TEMPLATE
from phieukin.questionnaires.yamlio import parse_questionnaire


def _upload(client: Any, text: str) -> Any:
    file = SimpleUploadedFile("q.yaml", text.encode("utf-8"), content_type="application/yaml")
    return client.post(reverse("questionnaires:upload"), {"file": file})


def test_the_detail_page_shows_items_scores_and_the_frozen_state(
    as_persona: Any, open_round_: Any
) -> None:
    q = open_round_.questionnaire
    html = as_persona("standing").get(reverse("questionnaires:detail", args=[q.pk])).content
    text = html.decode()
    assert "Tốt" in text and "Không đánh giá" in text
    assert "không tính điểm" in text
    assert "đã khóa ngày" in text
    assert q.items.get(order=1).text[:40] in text


def test_download_gives_yaml_that_parses_back_to_the_same_questionnaire(
    as_persona: Any, questionnaire: Any
) -> None:
    response = as_persona("district_organiser").get(
        reverse("questionnaires:download", args=[questionnaire.pk])
    )
    assert response["Content-Disposition"].endswith('.yaml"')
    spec = parse_questionnaire(response.content.decode("utf-8"))
    assert spec.code == questionnaire.code
    assert [i.key for i in spec.items] == list(
        questionnaire.items.order_by("order").values_list("key", flat=True)
    )


def test_uploading_a_new_version_imports_it(
    as_persona: Any, district_organiser: Any, questionnaire: Any
) -> None:
    text = DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace(f"\nversion: {questionnaire.version}\n", "\nversion: 99\n", 1)
    assert "\nversion: 99\n" in text
    response = _upload(as_persona("district_organiser"), text)
    new = Questionnaire.objects.get(code=questionnaire.code, version=99)
    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaires:detail", args=[new.pk])


def test_a_broken_file_shows_the_line_and_saves_nothing(
    as_persona: Any, district_organiser: Any, questionnaire: Any
) -> None:
    text = DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace(f"\nversion: {questionnaire.version}\n", "\nversion: 98\n", 1)
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("score: 4"))
    lines[index] = lines[index].replace("score: 4", "score: bốn")
    before = Questionnaire.objects.count()
    response = _upload(as_persona("district_organiser"), "\n".join(lines))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tệp chưa được nhập" in html
    assert "dòng " in html and "bốn" in html
    assert Questionnaire.objects.count() == before


def test_an_existing_version_is_refused(
    as_persona: Any, district_organiser: Any, questionnaire: Any
) -> None:
    response = _upload(
        as_persona("district_organiser"), DEFAULT_TEMPLATE.read_text(encoding="utf-8")
    )
    assert "đã có" in response.content.decode()
    assert Questionnaire.objects.count() == 1


def test_a_file_that_is_not_utf8_is_refused_clearly(
    as_persona: Any, district_organiser: Any
) -> None:
    file = SimpleUploadedFile("q.yaml", "tiêu đề".encode("utf-16"))
    response = as_persona("district_organiser").post(
        reverse("questionnaires:upload"), {"file": file}
    )
    assert response.status_code == 415
    assert "không phải văn bản UTF-8" in response.content.decode()


def test_a_file_of_another_kind_is_refused_with_415_and_the_page(
    as_persona: Any, district_organiser: Any
) -> None:
    file = SimpleUploadedFile("q.yaml", b"%PDF-1.4\n%binary", content_type="application/yaml")
    response = as_persona("district_organiser").post(
        reverse("questionnaires:upload"), {"file": file}
    )
    assert response.status_code == 415
    assert "Không nhận loại tệp này" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_a_file_above_the_limit_is_refused_with_413_and_the_page(
    as_persona: Any, district_organiser: Any
) -> None:
    from phieukin.questionnaires.forms import MAX_QUESTIONNAIRE_BYTES

    file = SimpleUploadedFile("q.yaml", b"a" * (MAX_QUESTIONNAIRE_BYTES + 1))
    response = as_persona("district_organiser").post(
        reverse("questionnaires:upload"), {"file": file}
    )
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.content.decode()
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize("persona", ["standing", "ward_organiser", "counter", "leader"])
def test_only_the_district_organiser_uploads(as_persona: Any, persona: str) -> None:
    response = _upload(as_persona(persona), DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    assert response.status_code == 403
    assert not Questionnaire.objects.exists()


def test_a_new_version_copies_a_frozen_questionnaire_editable(
    as_persona: Any, district_organiser: Any, open_round_: Any
) -> None:
    from phieukin.audit.models import AuditEvent

    frozen = open_round_.questionnaire
    response = as_persona("district_organiser").post(
        reverse("questionnaires:new_version", args=[frozen.pk])
    )
    copy = Questionnaire.objects.get(code=frozen.code, version=frozen.version + 1)
    assert response["Location"] == reverse("questionnaires:detail", args=[copy.pk])
    assert not copy.is_frozen
    assert copy.items.count() == frozen.items.count()
    assert list(copy.items.values_list("key", "text")) == list(
        frozen.items.values_list("key", "text")
    )
    assert AuditEvent.objects.filter(action="questionnaire.new_version").exists()


@pytest.mark.parametrize("persona", ["standing", "ward_organiser"])
def test_only_the_district_organiser_makes_new_versions(
    as_persona: Any, persona: str, questionnaire: Any
) -> None:
    url = reverse("questionnaires:new_version", args=[questionnaire.pk])
    assert as_persona(persona).post(url).status_code == 403
    assert Questionnaire.objects.count() == 1
