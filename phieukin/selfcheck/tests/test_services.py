"""Self-check services: who may do what, what is refused, what is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.core.errors import Conflict, DomainError
from phieukin.selfcheck import services
from phieukin.selfcheck.models import Checklist, Entry, EntryKind, FindingStatus, Session
from phieukin.selfcheck.selectors import scope_summary, session_summary
from phieukin.selfcheck.tests.test_checklist import checklist_yaml
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [21, 25])
def test_the_organiser_imports_a_list_of_any_length(district_organiser: User, count: int) -> None:
    checklist = services.import_checklist(
        actor=district_organiser, data=checklist_yaml(count).encode(), filename="list.yaml"
    )
    assert checklist.items.count() == count
    assert checklist.items.filter(verified=False).count() == count - 5
    event = AuditEvent.objects.get(action="selfcheck.checklist_imported")
    assert event.data["items"] == count and event.actor == district_organiser


def test_the_same_version_is_not_imported_twice(checklist: Checklist) -> None:
    from phieukin.selfcheck.tests.conftest import DATA

    with pytest.raises(Conflict):
        services.import_checklist(actor=None, data=DATA.read_bytes(), filename="again.yaml")


def test_a_ward_office_may_not_import_a_checklist(ward_organiser: User) -> None:
    with pytest.raises(AccessDenied):
        services.import_checklist(
            actor=ward_organiser, data=checklist_yaml(3).encode(), filename="x.yaml"
        )


def test_a_bad_file_is_refused_with_a_line_number(district_organiser: User) -> None:
    text = "code: a\nitems:\n  - id: a\n    text: A\n  - id: a\n    text: B\n"
    with pytest.raises(DomainError) as caught:
        services.import_checklist(actor=district_organiser, data=text.encode(), filename="x.yaml")
    assert caught.value.code == "bad_checklist_file"
    assert " 5:" in str(caught.value.message)


def test_a_session_has_its_collective_entry_and_records_the_speakers(session: Session) -> None:
    assert (session.participants, session.speakers) == (52, 13)
    assert list(session.entries.values_list("kind", flat=True)) == [EntryKind.COLLECTIVE]
    assert AuditEvent.objects.filter(action="selfcheck.session_created").count() == 1


def test_more_speakers_than_participants_is_refused(
    checklist: Checklist, wards: list[Unit], ward_organiser: User
) -> None:
    with pytest.raises(DomainError):
        services.create_session(
            actor=ward_organiser,
            unit=wards[0],
            period="2024",
            checklist=checklist,
            title="",
            held_on=dt.date(2024, 9, 1),
            participants=10,
            speakers=11,
        )


def test_another_wards_office_may_not_record_or_follow_up(
    session: Session, outsider: User, standing: User, counter: User
) -> None:
    entry = session.entries.get()
    item = session.checklist.items.first()
    assert item is not None
    for actor in (outsider, standing, counter):
        with pytest.raises(AccessDenied):
            services.record_finding(
                actor=actor,
                entry=entry,
                item=item,
                remedy="x",
                follow_up_by="y",
                due_on=dt.date(2024, 1, 1),
            )


def test_an_expression_that_applies_needs_a_remedy(session: Session, ward_organiser: User) -> None:
    entry = session.entries.get()
    item = session.checklist.items.first()
    assert item is not None
    with pytest.raises(DomainError):
        services.record_finding(
            actor=ward_organiser,
            entry=entry,
            item=item,
            remedy="  ",
            follow_up_by="Chi ủy",
            due_on=dt.date(2023, 12, 31),
        )


def test_an_expression_of_another_checklist_is_refused(
    session: Session, ward_organiser: User, district_organiser: User
) -> None:
    other = services.import_checklist(
        actor=district_organiser, data=checklist_yaml(25).encode(), filename="x.yaml"
    )
    with pytest.raises(DomainError):
        services.record_finding(
            actor=ward_organiser,
            entry=session.entries.get(),
            item=other.items.first(),  # type: ignore[arg-type]
            remedy="r",
            follow_up_by="f",
            due_on=dt.date(2023, 12, 31),
        )


def test_follow_up_moves_a_remedy_to_done_and_the_counts_follow(
    session: Session, ward_organiser: User, district_organiser: User
) -> None:
    person = services.add_individual(actor=ward_organiser, session=session, name="Nguyễn Văn A")
    items = list(session.checklist.items.order_by("order"))
    collective = session.entries.get(kind=EntryKind.COLLECTIVE)
    first = services.record_finding(
        actor=ward_organiser,
        entry=collective,
        item=items[6],
        remedy="Chấn chỉnh",
        follow_up_by="Thường trực Đảng ủy",
        due_on=dt.date(2023, 12, 31),
    )
    services.record_finding(
        actor=ward_organiser,
        entry=person,
        item=items[6],
        remedy="Sửa chữa",
        follow_up_by="Chi ủy",
        due_on=dt.date(2099, 12, 31),
    )
    summary = session_summary(session, today=dt.date(2024, 3, 1))
    assert summary.count(items[6].key).collectives == 1
    assert summary.count(items[6].key).individuals == 1
    assert (summary.remedies, summary.done, summary.overdue) == (2, 0, 1)
    services.update_follow_up(
        actor=district_organiser,
        finding=first,
        status=FindingStatus.DONE,
        done_on=dt.date(2024, 1, 10),
    )
    summary = session_summary(session, today=dt.date(2024, 3, 1))
    assert (summary.remedies, summary.done, summary.overdue) == (2, 1, 0)
    assert AuditEvent.objects.filter(action="selfcheck.follow_up_updated").count() == 1


def test_the_scope_adds_up_its_units_and_shows_the_trend(
    checklist: Checklist,
    wards: list[Unit],
    district_organiser: User,
    ward_organiser: User,
    outsider: User,
) -> None:
    items = list(checklist.items.order_by("order"))
    sessions = {}
    for ward, period, day in (
        (wards[0], "2023", dt.date(2023, 9, 1)),
        (wards[1], "2023", dt.date(2023, 9, 2)),
        (wards[0], "2024", dt.date(2024, 9, 1)),
    ):
        sessions[(ward.pk, period)] = services.create_session(
            actor=district_organiser,
            unit=ward,
            period=period,
            checklist=checklist,
            title="",
            held_on=day,
            participants=20,
            speakers=5,
        )

    def name(session: Session, item: int, n: int) -> None:
        entry = services.add_individual(actor=district_organiser, session=session, name=f"P{n}")
        services.record_finding(
            actor=district_organiser,
            entry=entry,
            item=items[item],
            remedy="r",
            follow_up_by="f",
            due_on=dt.date(2099, 1, 1),
        )

    name(sessions[(wards[0].pk, "2023")], 0, 1)
    name(sessions[(wards[0].pk, "2023")], 0, 2)
    name(sessions[(wards[1].pk, "2023")], 0, 3)
    name(sessions[(wards[0].pk, "2024")], 0, 4)
    scope = scope_summary(district_organiser, period="2023")
    assert scope.summary.count(items[0].key).individuals == 3
    assert (scope.collectives, scope.individuals) == (2, 3)
    assert [line.summary.remedies for line in scope.trend] == [3, 1]
    assert dict(scope.trend[1].change)[items[0].key] == -2
    # A ward's office sees only its ward.
    own = scope_summary(ward_organiser, period="2023")
    assert own.summary.count(items[0].key).individuals == 2
    assert scope_summary(outsider, period="2023").summary.count(items[0].key).individuals == 1


def test_no_expression_applies_is_recorded(session: Session, ward_organiser: User) -> None:
    entry = services.add_individual(actor=ward_organiser, session=session, name="B")
    services.mark_none_apply(actor=ward_organiser, entry=entry)
    assert Entry.objects.get(pk=entry.pk).none_apply
