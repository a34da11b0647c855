"""Item and option keys that a spreadsheet reads as formulas are refused at import.

``ballots.csv`` neutralises a cell starting with ``=``, ``+``, ``-`` or ``@`` with an
apostrophe, so such a key would come out of the file changed and an independent recount
would report a difference: the file is refused with the line of the key.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from phieukin.questionnaires.messages import file_error_text
from phieukin.questionnaires.models import Questionnaire
from phieukin.questionnaires.services import DEFAULT_TEMPLATE
from phieukin.questionnaires.yamlio import QuestionnaireFileError, parse_questionnaire


def _template() -> list[str]:
    return DEFAULT_TEMPLATE.read_text(encoding="utf-8").splitlines()


def _replace_first(lines: list[str], old: str, new: str) -> int:
    """Replace the first line containing *old*; return its 1-based number."""
    index = next(i for i, line in enumerate(lines) if old in line)
    lines[index] = lines[index].replace(old, new)
    return index + 1


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_an_option_key_starting_like_a_formula_is_refused_on_its_line(start: str) -> None:
    lines = _template()
    line = _replace_first(lines, "- key: kha", f"- key: '{start}kha'")
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire("\n".join(lines))
    assert caught.value.line == line
    with translation.override("vi"):
        assert file_error_text(caught.value) == (
            f"dòng {line}: khóa “{start}kha” không được bắt đầu bằng =, +, - hoặc @ "
            "(tệp phiếu sẽ ghi khóa này khác đi và kiểm phiếu lại sẽ không khớp)"
        )


def test_an_item_key_starting_like_a_formula_is_refused_on_its_line() -> None:
    lines = _template()
    item = next(line for line in lines if line.strip().startswith("- id:") and "nd" in line)
    key = item.split(":", 1)[1].strip()
    line = _replace_first(lines, item, item.replace(key, f"'-{key}'"))
    with pytest.raises(QuestionnaireFileError) as caught:
        parse_questionnaire("\n".join(lines))
    assert caught.value.line == line
    assert f"-{key}" in str(caught.value)


def test_a_key_with_a_dash_inside_is_still_accepted() -> None:
    lines = _template()
    _replace_first(lines, "- key: kha", "- key: kha-tot")
    spec = parse_questionnaire("\n".join(lines))
    assert "kha-tot" in [o.key for o in spec.scales[0].options]


def test_the_upload_page_shows_the_line_and_saves_nothing(
    as_persona: Any, district_organiser: Any
) -> None:
    lines = _template()
    line = _replace_first(lines, "- key: tot", "- key: '@tot'")
    upload = SimpleUploadedFile("q.yaml", "\n".join(lines).encode("utf-8"))
    response = as_persona("district_organiser").post(
        reverse("questionnaires:upload"), {"file": upload}
    )
    html = response.content.decode()
    assert f"dòng {line}: khóa “@tot” không được bắt đầu bằng" in html
    assert not Questionnaire.objects.exists()
