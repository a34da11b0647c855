"""The checklist parser: the count comes from the data, drafts stay drafts, errors say where."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from phieukin.selfcheck import checklist as parser

DATA = Path(__file__).resolve().parents[2] / "data" / "chi-thi-24-bieu-hien.yaml"


def checklist_yaml(count: int, verified: int = 5, version: int = 1) -> str:
    """Return a checklist of *count* items, the first *verified* of them verified."""
    return yaml.safe_dump(
        {
            "code": "ct24-test",
            "version": version,
            "source": {"document": "Chỉ thị 24-CT/TU", "title": "Thử"},
            "groups": [{"id": "N1", "order": 1, "title": "Nhóm 1", "title_verified": True}],
            "items": [
                {
                    "id": f"x-{n:02d}",
                    "group": "N1",
                    "order": n,
                    "verified": n <= verified,
                    "text": f"Biểu hiện thứ {n}",
                }
                for n in range(1, count + 1)
            ],
        },
        allow_unicode=True,
    )


def test_the_shipped_file_has_21_items_of_which_5_are_verified() -> None:
    spec = parser.parse_yaml(DATA.read_text(encoding="utf-8"))
    assert spec.count == 21
    assert spec.drafts == 16
    assert [i.key for i in spec.items if i.verified] == [f"ct24-0{n}" for n in range(1, 6)]
    assert len(spec.groups) == 3


@pytest.mark.parametrize("count", [21, 25])
def test_a_list_of_any_length_is_read_whole(count: int) -> None:
    spec = parser.parse_yaml(checklist_yaml(count))
    assert spec.count == count
    assert [i.order for i in spec.items] == list(range(1, count + 1))
    assert spec.drafts == count - 5


def test_an_item_without_the_verified_flag_is_a_draft() -> None:
    text = checklist_yaml(3).replace("\n  verified: true\n", "\n")
    spec = parser.parse_yaml(text)
    assert all(not i.verified for i in spec.items)


@pytest.mark.parametrize("count", [21, 25])
def test_a_workbook_round_trips(count: int) -> None:
    spec = parser.parse_yaml(checklist_yaml(count))
    again = parser.parse_xlsx(parser.dump_xlsx(spec))
    assert again == spec


def test_a_duplicate_item_is_refused_with_its_line() -> None:
    text = checklist_yaml(3).replace("id: x-03", "id: x-02")
    with pytest.raises(parser.ChecklistFileError) as caught:
        parser.parse_yaml(text)
    assert caught.value.code == "duplicate_item"
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "Biểu hiện thứ 3" in row)
    assert caught.value.line is not None and abs(caught.value.line - line) <= 5


def test_an_unknown_group_is_refused_with_the_line_of_its_item() -> None:
    text = checklist_yaml(2) + ""
    text = text.replace("group: N1\n  id: x-02", "group: N9\n  id: x-02")
    with pytest.raises(parser.ChecklistFileError) as caught:
        parser.parse_yaml(text)
    assert caught.value.code == "unknown_group"
    assert caught.value.line == text.splitlines().index("- group: N9") + 1


def test_broken_yaml_names_its_line() -> None:
    with pytest.raises(parser.ChecklistFileError) as caught:
        parser.parse_yaml("code: a\nitems:\n  - id: [unclosed\n")
    assert caught.value.code == "bad_yaml"
    assert caught.value.line is not None


def test_a_workbook_error_names_its_row() -> None:
    spec = parser.parse_yaml(checklist_yaml(4))
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(parser.dump_xlsx(spec)))
    book["items"]["D4"] = "maybe"  # row 4 = the third item
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(parser.ChecklistFileError) as caught:
        parser.parse_xlsx(buffer.getvalue())
    assert (caught.value.code, caught.value.line) == ("not_flag", 4)


def test_an_empty_checklist_is_refused() -> None:
    with pytest.raises(parser.ChecklistFileError) as caught:
        parser.parse_yaml("code: a\nversion: 1\nitems: []\n")
    assert caught.value.code == "no_items"
