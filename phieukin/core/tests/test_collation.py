"""Vietnamese alphabetical order."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from phieukin.core.collation import person_sort_key, sort_key


def test_it_puts_d_with_stroke_after_d() -> None:
    words = ["Đức Giang", "Dương", "Da", "Đa", "Em"]
    assert sorted(words, key=sort_key) == ["Da", "Dương", "Đa", "Đức Giang", "Em"]


def test_it_orders_letters_before_tones() -> None:
    assert sorted(["Bà", "Ba", "Bác", "Bạ", "Bả", "Bã"], key=sort_key) == [
        "Ba",
        "Bà",
        "Bả",
        "Bã",
        "Bạ",
        "Bác",
    ]


def test_it_orders_the_modified_vowels_after_their_base() -> None:
    assert sorted(["Ơn", "On", "Ôn", "Ăn", "An", "Ân"], key=sort_key) == [
        "An",
        "Ăn",
        "Ân",
        "On",
        "Ôn",
        "Ơn",
    ]


def test_it_orders_the_long_bien_wards() -> None:
    wards = [
        "Thượng Thanh",
        "Ngọc Thụy",
        "Giang Biên",
        "Đức Giang",
        "Việt Hưng",
        "Gia Thụy",
        "Ngọc Lâm",
        "Phúc Lợi",
        "Bồ Đề",
        "Sài Đồng",
        "Long Biên",
        "Thạch Bàn",
        "Phúc Đồng",
        "Cự Khối",
    ]
    assert sorted(wards, key=sort_key) == [
        "Bồ Đề",
        "Cự Khối",
        "Đức Giang",
        "Gia Thụy",
        "Giang Biên",
        "Long Biên",
        "Ngọc Lâm",
        "Ngọc Thụy",
        "Phúc Đồng",
        "Phúc Lợi",
        "Sài Đồng",
        "Thạch Bàn",
        "Thượng Thanh",
        "Việt Hưng",
    ]


def test_it_sorts_people_by_given_name_first() -> None:
    names = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Đức Bình", "Phạm Đạt"]
    assert sorted(names, key=person_sort_key) == [
        "Trần Thị An",
        "Lê Đức Bình",
        "Nguyễn Văn Bình",
        "Phạm Đạt",
    ]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãờớợởỡ ĐÂ", max_size=12))
def test_the_key_is_digits_only_and_ignores_unicode_normal_form(word: str) -> None:
    key = sort_key(word)
    assert key.isdigit()
    assert sort_key(unicodedata.normalize("NFD", word)) == key
