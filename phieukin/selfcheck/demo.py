"""Demo data of the Directive 24 self-check (called by ``seed_demo``).

The shipped checklist (21 expressions, 16 of them drafts) is imported; the first ward
with an office records its 2023 session (13 speakers, the collective, both leaders and
three officials; a few expressions named, remedies with follow-up in every state) and a
smaller 2024 session, so the trend between periods shows. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from phieukin.accounts.models import Membership, Role, User
from phieukin.selfcheck import services
from phieukin.selfcheck.models import Checklist, ChecklistItem, Entry, EntryKind, Session
from phieukin.units.fictional import fictional_names
from phieukin.units.models import Position, Unit

CHECKLIST = Path(__file__).resolve().parents[1] / "data" / "chi-thi-24-bieu-hien.yaml"


def _checklist() -> Checklist:
    existing = Checklist.objects.filter(code="chi-thi-24-ct-tu", version=1).first()
    if existing is not None:
        return existing
    return services.import_checklist(
        actor=None, data=CHECKLIST.read_bytes(), filename=CHECKLIST.name
    )


def _office(ward: Unit) -> User | None:
    membership = (
        Membership.objects.filter(unit=ward, role=Role.WARD_ORGANISER)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _leaders(ward: Unit, day: dt.date) -> list[tuple[Position, Any]]:
    rows = []
    for position in Position.objects.filter(unit=ward).select_related("type"):
        person = position.holder_on(day)
        if person is not None:
            rows.append((position, person))
    return rows


def _record(
    actor: User | None,
    entry: Entry,
    item: ChecklistItem,
    remedy: str,
    follow_up_by: str,
    due_on: dt.date,
    status: str = "",
    done_on: dt.date | None = None,
    note: str = "",
) -> None:
    finding = services.record_finding(
        actor=actor,
        entry=entry,
        item=item,
        remedy=remedy,
        follow_up_by=follow_up_by,
        due_on=due_on,
    )
    if status:
        services.update_follow_up(
            actor=actor, finding=finding, status=status, note=note, done_on=done_on
        )


def _session_2023(ward: Unit, checklist: Checklist, office: User | None) -> Session:
    session = services.create_session(
        actor=office,
        unit=ward,
        period="2023",
        checklist=checklist,
        title=f"Sinh hoạt chính trị, tư tưởng: tự kiểm tra theo Chỉ thị 24-CT/TU — {ward.name}",
        held_on=dt.date(2023, 9, 20),
        participants=58,
        speakers=13,
        place=f"Hội trường Đảng ủy phường {ward.name}",
        chaired_by="Đồng chí Bí thư Đảng ủy phường",
        conclusion=(
            "Các tập thể, cá nhân đã nghiêm túc đối chiếu với các biểu hiện, chỉ rõ nguyên "
            "nhân và đề ra biện pháp khắc phục; giao Ủy ban Kiểm tra Đảng ủy theo dõi, đôn đốc."
        ),
    )
    items = {i.order: i for i in checklist.items.all()}
    collective = session.entries.get(kind=EntryKind.COLLECTIVE)
    _record(
        office,
        collective,
        items[16],
        "Rà soát quy trình một cửa; công khai thời hạn giải quyết hồ sơ đất đai.",
        "Thường trực Đảng ủy",
        dt.date(2023, 12, 31),
        status="done",
        done_on=dt.date(2023, 12, 15),
        note="Đã ban hành quy trình mới, tỷ lệ hồ sơ đúng hạn đạt 98 %.",
    )
    _record(
        office,
        collective,
        items[3],
        "Lập danh mục khuyết điểm sau kiểm điểm năm 2022, giao người chịu trách nhiệm.",
        "Ủy ban Kiểm tra Đảng ủy",
        dt.date(2024, 3, 31),
        status="in_progress",
        note="Đã khắc phục 4/6 nội dung.",
    )
    leaders = _leaders(ward, dt.date(2023, 9, 20))
    entries = [
        services.add_individual(
            actor=office,
            session=session,
            name=person.full_name,
            role_title=position.title,
            person=person,
        )
        for position, person in leaders
    ]
    for name, title in zip(
        fictional_names(3, seed=2324),
        ("Trưởng phòng Kinh tế", "Cán bộ Văn phòng HĐND-UBND", "Công chức Địa chính"),
        strict=True,
    ):
        entries.append(
            services.add_individual(actor=office, session=session, name=name, role_title=title)
        )
    if entries:
        _record(
            office,
            entries[0],
            items[19],
            "Giao việc bằng văn bản, rõ người, rõ việc, rõ thời hạn; kiểm tra hằng tháng.",
            "Thường trực Đảng ủy",
            dt.date(2023, 11, 30),
            status="done",
            done_on=dt.date(2023, 11, 28),
        )
    if len(entries) > 1:
        services.mark_none_apply(actor=office, entry=entries[1])
    if len(entries) > 2:
        _record(
            office,
            entries[2],
            items[13],
            "Chủ động đề xuất phương án xử lý vi phạm trật tự xây dựng.",
            "Chi ủy Chi bộ cơ quan",
            dt.date(2024, 1, 31),
        )
    if len(entries) > 3:
        _record(
            office,
            entries[3],
            items[8],
            "Chấp hành nghiêm giờ làm việc, không sử dụng rượu, bia trong giờ nghỉ trưa.",
            "Chánh Văn phòng",
            dt.date(2023, 10, 31),
            status="done",
            done_on=dt.date(2023, 10, 20),
        )
    if len(entries) > 4:
        services.mark_none_apply(actor=office, entry=entries[4])
    return session


def _session_2024(ward: Unit, checklist: Checklist, office: User | None) -> Session:
    session = services.create_session(
        actor=office,
        unit=ward,
        period="2024",
        checklist=checklist,
        title=f"Tự kiểm tra theo Chỉ thị 24-CT/TU năm 2024 — {ward.name}",
        held_on=dt.date(2024, 9, 18),
        participants=55,
        speakers=11,
        place=f"Hội trường Đảng ủy phường {ward.name}",
    )
    items = {i.order: i for i in checklist.items.all()}
    _record(
        office,
        session.entries.get(kind=EntryKind.COLLECTIVE),
        items[21],
        "Trả lời phản ánh của Nhân dân qua ứng dụng trong 5 ngày làm việc.",
        "Văn phòng Đảng ủy",
        dt.date(2024, 12, 31),
        status="done",
        done_on=dt.date(2024, 12, 20),
    )
    return session


def seed(*, stdout: Any) -> None:
    """Import the checklist and record the demo sessions (once)."""
    checklist = _checklist()
    ward = Unit.objects.filter(memberships__role=Role.WARD_ORGANISER).order_by("sort_key").first()
    if ward is None:
        stdout.write("Self-check: no ward office, no session recorded.")
        return
    office = _office(ward)
    if not Session.objects.filter(unit=ward, period="2023").exists():
        _session_2023(ward, checklist, office)
        stdout.write(f"Self-check: 2023 session of {ward.name} (13 speakers).")
    if not Session.objects.filter(unit=ward, period="2024").exists():
        _session_2024(ward, checklist, office)
        stdout.write(f"Self-check: 2024 session of {ward.name}.")
