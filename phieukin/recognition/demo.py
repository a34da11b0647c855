"""Demo data of the recognition registry: honourees and emulation models, 2021–2025.

The figures of 2021 follow the district's own report (80 honourees at district level,
18 at city level; 417 models in 2021 and 349 in 2022). People and deeds are fictional,
composed from a seeded generator; a few entries are marked public, as the office would.
Two demo leaders are among the honourees, so their records show a recognition.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from phieukin.accounts.models import User
from phieukin.recognition import services
from phieukin.recognition.models import EmulationModel, FieldOfWork, Honouree, Level, ModelStatus
from phieukin.units import lineage
from phieukin.units.fictional import fictional_names
from phieukin.units.models import Position, Unit, UnitKind

# (year, district level, city level, national level, models)
PLAN = (
    (2021, 80, 18, 0, 417),
    (2022, 74, 15, 1, 349),
    (2023, 68, 14, 0, 120),
    (2024, 71, 16, 1, 96),
    (2025, 52, 11, 0, 64),
)

DEEDS = (
    "Nhặt được ví có {money} triệu đồng và giấy tờ tùy thân, trả lại người đánh rơi",
    "Dũng cảm lao xuống sông Hồng cứu {n} người bị đuối nước",
    "Vận động các hộ dân hiến {area} m² đất mở rộng ngõ {lane}, không nhận bồi thường",
    "Tình nguyện hiến máu {times} lần, vận động nhiều người cùng tham gia",
    "Nhiều năm mở lớp dạy học miễn phí cho {n} trẻ em có hoàn cảnh khó khăn",
    "Tham gia cùng lực lượng chức năng bắt giữ đối tượng cướp giật tài sản trên phố {street}",
    "Giúp đỡ {n} hộ nghèo, cận nghèo phát triển kinh tế, thoát nghèo bền vững",
    "Duy trì bếp ăn 0 đồng, mỗi tuần phục vụ {meals} suất cơm cho bệnh nhân và người lao động",
    "Phát hiện sớm đám cháy tại nhà dân, kịp thời báo tin và dập lửa, không để thiệt hại về người",
    "Ủng hộ {money} triệu đồng xây dựng nhà văn hóa tổ dân phố",
    "Hòa giải thành công {n} vụ mâu thuẫn trong khu dân cư, giữ gìn tình làng nghĩa xóm",
    "Tự nguyện thu gom, phân loại rác thải, vận động {n} hộ dân cùng thực hiện",
    "Đi đầu trong phong trào “Toàn dân bảo vệ an ninh Tổ quốc”, cung cấp nhiều tin báo có giá trị",
    "Tận tình chăm sóc {n} cụ già neo đơn trong tổ dân phố suốt nhiều năm",
)
STREETS = ("Nguyễn Văn Cừ", "Ngọc Lâm", "Nguyễn Sơn", "Ngô Gia Tự", "Cổ Linh", "Thạch Bàn")

MODELS = (
    ("Khối vận khéo", FieldOfWork.MASS_MOBILISATION),
    ("Shipper xanh", FieldOfWork.ENVIRONMENT),
    ("Dân vận khéo trong giải phóng mặt bằng", FieldOfWork.MASS_MOBILISATION),
    ("Tuyến phố văn minh", FieldOfWork.CULTURE),
    ("Ngõ phố an toàn, camera an ninh", FieldOfWork.SECURITY),
    ("Đổi rác lấy quà", FieldOfWork.ENVIRONMENT),
    ("Tủ sách cộng đồng", FieldOfWork.CULTURE),
    ("Bếp ăn 0 đồng", FieldOfWork.CULTURE),
    ("Chi bộ bốn tốt", FieldOfWork.PARTY_BUILDING),
    ("Hỗ trợ thủ tục hành chính tại nhà", FieldOfWork.ADMINISTRATION),
    ("Tổ hòa giải giỏi", FieldOfWork.SECURITY),
    ("Phụ nữ tiết kiệm giúp nhau", FieldOfWork.ECONOMY),
    ("Cựu chiến binh gương mẫu", FieldOfWork.PARTY_BUILDING),
    ("Sân chơi cho em", FieldOfWork.CULTURE),
    ("Vườn hoa tự quản", FieldOfWork.ENVIRONMENT),
    ("Nhóm Zalo tổ dân phố", FieldOfWork.ADMINISTRATION),
    ("Chợ văn minh thương mại", FieldOfWork.ECONOMY),
    ("Phòng cháy chữa cháy liên gia", FieldOfWork.SECURITY),
)
RESULTS = (
    "Thu hút {n} hộ tham gia; được Ủy ban MTTQ quận biểu dương",
    "Giảm {p} % thời gian giải quyết hồ sơ; Nhân dân đồng tình, ủng hộ",
    "Thu gom {n} tấn rác tái chế; tuyến phố xanh, sạch, đẹp",
    "Không để xảy ra vụ việc phức tạp; {n} tin báo có giá trị",
    "Được nhân rộng ra {n} tổ dân phố trong phường",
)


def _deed(rng: random.Random) -> str:
    return rng.choice(DEEDS).format(
        money=rng.choice((5, 8, 12, 15, 20, 35, 50)),
        n=rng.randint(2, 30),
        area=rng.choice((45, 60, 85, 120, 150)),
        lane=rng.randint(2, 180),
        times=rng.randint(12, 45),
        street=rng.choice(STREETS),
        meals=rng.choice((150, 200, 300, 500)),
    )


def _decision(level: str, year: int, rng: random.Random) -> tuple[str, dt.date]:
    day = dt.date(year, rng.choice((4, 9, 12)), rng.randint(1, 28))
    if level == Level.DISTRICT:
        return f"{rng.randint(1000, 6000)}/QĐ-UBND", day
    if level == Level.CITY:
        return f"{rng.randint(100, 900)}/QĐ-UBND", day
    return f"{rng.randint(10, 90)}/QĐ-TTg", day


class _WardsOn:
    """The wards of the district's ground on a date: the old wards, or those carrying them."""

    def __init__(self, old_wards: list[Unit]) -> None:
        self.old_wards = old_wards
        self.cache: dict[dt.date, list[Unit]] = {}

    def __call__(self, day: dt.date) -> list[Unit]:
        if day not in self.cache:
            found: dict[int, Unit] = {}
            for ward in self.old_wards:
                for unit in lineage.successors_on(ward, day):
                    found.setdefault(unit.pk, unit)
            # Without a later map on record the old wards stand.
            self.cache[day] = sorted(found.values(), key=lambda u: u.sort_key) or self.old_wards
        return self.cache[day]


def _honourees(year: int, counts: tuple[int, int, int], wards_on: _WardsOn, office: User) -> int:
    rng = random.Random(f"honourees-{year}")
    total = sum(counts)
    names = fictional_names(total, seed=year * 7)
    levels = [Level.DISTRICT] * counts[0] + [Level.CITY] * counts[1] + [Level.NATIONAL] * counts[2]
    for index, (name, level) in enumerate(zip(names, levels, strict=True)):
        number, day = _decision(level, year, rng)
        wards = wards_on(day)
        services.record_honouree(
            actor=office,
            full_name=name,
            unit=wards[index % len(wards)],
            level=level,
            year=year,
            deed=_deed(rng),
            decision_number=number,
            decision_date=day,
            public=level != Level.DISTRICT or index % 9 == 0,
        )
    return total


def _models(year: int, count: int, wards: list[Unit], office: User) -> int:
    """Record *count* models of *year* over *wards* (the wards at the end of that year)."""
    rng = random.Random(f"models-{year}")
    for index in range(count):
        ward = wards[index % len(wards)]
        base, field = MODELS[(index // len(wards) + year) % len(MODELS)]
        group = index // (len(wards) * len(MODELS)) + 1
        name = base if group == 1 else f"{base} (tổ dân phố số {group + rng.randint(0, 20)})"
        famous = base in ("Khối vận khéo", "Shipper xanh") and group == 1
        services.record_model(
            actor=office,
            name=name,
            unit=ward,
            year=year,
            field=field,
            description=(
                f"Mô hình “{base}” của {ward.full_name or ward.name}: cán bộ, đảng viên và "
                "Nhân dân cùng thực hiện, gắn với phong trào thi đua của địa phương."
            ),
            results=rng.choice(RESULTS).format(n=rng.randint(3, 120), p=rng.randint(10, 40)),
            status=ModelStatus.REPLICATED
            if famous
            else rng.choice((ModelStatus.RECOGNISED, ModelStatus.RECOGNISED, ModelStatus.PROPOSED)),
            public=famous or index % 25 == 0,
        )
    return count


def _leaders_honoured(office: User) -> None:
    """Name two demo leaders among the 2023 honourees (their records show it).

    A slug may name an old ward and today's ward of the same name: the post is the one
    of the ward that existed on the day.
    """
    day = dt.date(2023, 6, 1)
    for slug, key, deed in (
        (
            "bo-de",
            "bi_thu_dang_uy",
            "Trực tiếp chỉ đạo giải phóng mặt bằng dự án đường Long Biên – Xuân Quan, "
            "không phát sinh khiếu kiện",
        ),
        ("cu-khoi", "chu_tich_ubnd", "Chỉ đạo cứu trợ kịp thời các hộ dân bị ngập do bão số 3"),
    ):
        position = next(
            (
                p
                for p in Position.objects.filter(unit__slug=slug, type__key=key)
                .select_related("unit")
                .order_by("pk")
                if p.unit.is_valid_on(day)
            ),
            None,
        )
        person = position.holder_on(day) if position else None
        if position is None or person is None:
            continue
        if Honouree.objects.filter(person=person).exists():
            continue
        services.record_honouree(
            actor=office,
            full_name=person.full_name,
            person=person,
            unit=position.unit,
            level=Level.DISTRICT,
            year=2023,
            deed=deed,
            decision_number="3521/QĐ-UBND",
            decision_date=dt.date(2023, 12, 20),
        )


def seed(*, stdout: Any) -> None:
    """Create the honourees and models of 2021–2025 once (a year is skipped once seeded)."""
    office = User.objects.get(username="tuyengiao")
    district = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("pk").first()
    if district is None:
        return
    wards_on = _WardsOn(list(district.children.filter(kind=UnitKind.WARD).order_by("sort_key")))
    made = 0
    for year, district_n, city_n, national_n, models_n in PLAN:
        with transaction.atomic():
            if not Honouree.objects.filter(year=year, person__isnull=True).exists():
                made += _honourees(year, (district_n, city_n, national_n), wards_on, office)
            if not EmulationModel.objects.filter(year=year).exists():
                made += _models(year, models_n, wards_on(dt.date(year, 12, 31)), office)
    _leaders_honoured(office)
    stdout.write(f"Recognition: {made} new honouree(s) and model(s), 2021–2025.")
