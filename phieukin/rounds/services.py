"""Writes of rounds and conferences: create, open, close, publish, record attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import Conflict, DomainError
from phieukin.core.numbers import check_count
from phieukin.questionnaires.services import freeze_questionnaire
from phieukin.rounds.lifecycle import (
    BoxState,
    RoundAction,
    RoundState,
    TransitionError,
    check_round,
)
from phieukin.rounds.models import BallotBox, Conference, RespondentGroup, Round, Subject
from phieukin.units.models import Position, PositionType, Unit

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.questionnaires.models import Questionnaire


def create_round(
    *,
    actor: User | None,
    organiser_unit: Unit,
    title: str,
    year: int,
    number: int,
    questionnaire: Questionnaire,
    position_types: Iterable[PositionType],
    wards: Iterable[Unit],
    conference_date: dt.date | None = None,
    k_threshold: int = 5,
    k_comments: int = 8,
    **rules: Any,
) -> Round:
    """Create a draft round with one conference, one box and its leaders per ward.

    The leaders are the holders of each evaluated position on ``conference_date`` (today
    when not given); a vacant post is left out. Respondent groups come from the
    questionnaire's suggestions.
    """
    authorize(actor, "round.create", organiser_unit)
    if k_threshold < 3 or k_comments < k_threshold:
        raise DomainError(
            _("k must be at least 3, and the comment threshold at least k."), code="bad_k"
        )
    types = list(position_types)
    ward_list = list(wards)
    if not types:
        raise DomainError(_("Choose at least one position to evaluate."), code="no_positions")
    if not ward_list:
        raise DomainError(_("Choose at least one ward."), code="no_wards")
    day = conference_date or timezone.localdate()
    gone = [w for w in ward_list if not w.is_valid_on(day)]
    if gone:
        raise DomainError(
            _("%(units)s did not exist on the conference date %(day)s.")
            % {"units": ", ".join(str(w) for w in gone), "day": day.strftime("%d/%m/%Y")},
            code="unit_not_valid",
        )
    with transaction.atomic():
        if Round.objects.filter(organiser_unit=organiser_unit, year=year, number=number).exists():
            raise Conflict(
                _("A round %(number)s/%(year)s already exists.") % {"number": number, "year": year},
                code="round_exists",
            )
        low = rules.pop("low_option_keys", None)
        if low is None:
            low = list(
                questionnaire.suggested_rules.get("flag_rule", {}).get("low_options", [])
            ) or ["trung_binh", "yeu"]
        rnd = Round.objects.create(
            organiser_unit=organiser_unit,
            title=title,
            year=year,
            number=number,
            questionnaire=questionnaire,
            k_threshold=k_threshold,
            k_comments=k_comments,
            low_option_keys=low,
            **rules,
        )
        rnd.position_types.set(types)
        for order, group in enumerate(questionnaire.respondent_groups, start=1):
            RespondentGroup.objects.create(
                round=rnd, key=group["key"], label=group["label"], order=order
            )
        for ward in ward_list:
            add_conference(round=rnd, ward=ward, held_on=day, position_types=types)
        record_event(
            actor=actor,
            action="round.create",
            obj=rnd,
            unit=organiser_unit,
            data={"wards": len(ward_list), "questionnaire": str(questionnaire)},
        )
    return rnd


def add_conference(
    *, round: Round, ward: Unit, held_on: dt.date, position_types: Iterable[PositionType]
) -> Conference:
    """Create the ward's conference, its box and its leaders (inside the caller's transaction)."""
    conference = Conference.objects.create(round=round, unit=ward, held_on=held_on)
    BallotBox.objects.create(conference=conference)
    positions = Position.objects.filter(unit=ward, type__in=list(position_types)).select_related(
        "type"
    )
    for position in sorted(positions, key=lambda p: p.type.order):
        person = position.holder_on(held_on)
        if person is None:
            continue
        Subject.objects.create(
            conference=conference,
            position=position,
            person=person,
            name=person.full_name,
            title=position.title,
            order=position.type.order,
        )
    return conference


def _transition(rnd: Round, action: str) -> RoundState:
    try:
        return check_round(action, rnd.state)
    except TransitionError as exc:
        raise Conflict(
            _("The round is %(state)s; this step is not possible now.")
            % {"state": rnd.get_state_display()},
            code="bad_round_state",
        ) from exc


def open_round(*, actor: User | None, round: Round) -> Round:
    """Open the round for voting and freeze its questionnaire."""
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        authorize(actor, "round.open", rnd)
        rnd.state = _transition(rnd, RoundAction.OPEN)
        rnd.opened_at = timezone.now()
        rnd.save(update_fields=["state", "opened_at"])
        freeze_questionnaire(actor=actor, questionnaire=rnd.questionnaire)
        record_event(actor=actor, action="round.open", obj=rnd, unit=rnd.organiser_unit)
    return rnd


def close_round(*, actor: User | None, round: Round) -> Round:
    """Close the round: every box must be sealed first."""
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        authorize(actor, "round.close", rnd)
        target = _transition(rnd, RoundAction.CLOSE)
        unsealed = (
            BallotBox.objects.filter(conference__round=rnd).exclude(state=BoxState.SEALED).count()
        )
        if unsealed:
            raise Conflict(
                _("%(count)s ballot boxes are not sealed yet.") % {"count": unsealed},
                code="boxes_not_sealed",
            )
        rnd.state = target
        rnd.closed_at = timezone.now()
        rnd.save(update_fields=["state", "closed_at"])
        record_event(actor=actor, action="round.close", obj=rnd, unit=rnd.organiser_unit)
    return rnd


def publish_round(*, actor: User | None, round: Round) -> Round:
    """Publish the round's reports to the leaders and the Standing Committee."""
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        authorize(actor, "round.publish", rnd)
        rnd.state = _transition(rnd, RoundAction.PUBLISH)
        rnd.published_at = timezone.now()
        rnd.save(update_fields=["state", "published_at"])
        record_event(actor=actor, action="round.publish", obj=rnd, unit=rnd.organiser_unit)
    return rnd


def record_attendance(
    *, actor: User | None, conference: Conference, invited: int, present: int
) -> Conference:
    """Record how many were invited and present (present cannot exceed invited).

    The figures belong to the box's reconciliation and to its seal, so they change only
    while the box is prepared or open: once the committee closes it for counting they
    are frozen, and a sealed box never changes.
    """
    with transaction.atomic():
        conf = Conference.objects.select_for_update().get(pk=conference.pk)
        # Lock the box too: closing and sealing lock it, so attendance and counting
        # never interleave. The rule reads the fresh rows, never the caller's copy.
        box = BallotBox.objects.select_for_update().get(conference=conf)
        authorize(actor, "conference.record_attendance", conf)
        if not box.takes_attendance:
            raise Conflict(
                _("The ballot box is closed for counting; attendance can no longer change."),
                code="attendance_frozen",
            )
        if box.opened_at is not None:
            # Four eyes once the box is open (accounts/rules/ballots.py, box.attendance).
            authorize(actor, "box.attendance", box)
        if invited < 0 or present < 0:
            raise DomainError(_("Counts cannot be negative."), code="negative_count")
        check_count(invited)
        check_count(present)
        if present > invited:
            raise DomainError(
                _("Present (%(present)s) cannot exceed invited (%(invited)s).")
                % {"present": present, "invited": invited},
                code="present_exceeds_invited",
            )
        conf.invited_count = invited
        conf.present_count = present
        conf.save(update_fields=["invited_count", "present_count"])
        record_event(
            actor=actor,
            action="conference.attendance",
            obj=conf,
            unit=conf.unit,
            data={"invited": invited, "present": present},
        )
    return conf


EDITABLE_FIELDS = (
    "title",
    "year",
    "number",
    "k_threshold",
    "k_comments",
    "flag_low_share",
    "flag_mean_below",
    "target_participation",
)


def update_round(*, actor: User | None, round: Round, **changes: Any) -> Round:
    """Change a draft round's title, number, anonymity and flag rules (audited).

    Only a draft: once a round is open its rules are what respondents were told. Only the
    fields of :data:`EDITABLE_FIELDS`; wards are dropped with :func:`remove_conference`.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed."), code="not_editable")
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        authorize(actor, "round.edit", rnd)
        if rnd.state != RoundState.DRAFT:
            raise Conflict(
                _("Only a draft round can be edited; this round is %(state)s.")
                % {"state": rnd.get_state_display()},
                code="round_not_draft",
            )
        k = changes.get("k_threshold", rnd.k_threshold)
        kc = changes.get("k_comments", rnd.k_comments)
        if k < 3 or kc < k:
            raise DomainError(
                _("k must be at least 3, and the comment threshold at least k."), code="bad_k"
            )
        year, number = changes.get("year", rnd.year), changes.get("number", rnd.number)
        taken = Round.objects.filter(
            organiser_unit_id=rnd.organiser_unit_id, year=year, number=number
        ).exclude(pk=rnd.pk)
        if taken.exists():
            raise Conflict(
                _("A round %(number)s/%(year)s already exists.") % {"number": number, "year": year},
                code="round_exists",
            )
        before = {name: str(getattr(rnd, name)) for name in changes}
        for name, value in changes.items():
            setattr(rnd, name, value)
        rnd.save(update_fields=list(changes))
        after = {name: str(getattr(rnd, name)) for name in changes}
        changed = {
            name: [before[name], after[name]] for name in changes if before[name] != after[name]
        }
        record_event(
            actor=actor, action="round.edit", obj=rnd, unit=rnd.organiser_unit, data=changed
        )
    return rnd


def _delete_conference_rows(conference: Conference) -> None:
    """Delete a never-opened conference with its box, leaders and unused codes."""
    box = getattr(conference, "box", None)
    try:
        if box is not None:
            # Codes of a box that never opened were never used: printed slips go dead.
            box.codes.all().delete()
            box.delete()
        conference.subjects.all().delete()
        conference.delete()
    except ProtectedError as exc:
        raise Conflict(
            _("%(ward)s already holds records of the round (sheets, scans or plans).")
            % {"ward": conference.unit.name},
            code="conference_in_use",
        ) from exc


def _check_box_untouched(conference: Conference) -> None:
    box = getattr(conference, "box", None)
    if box is not None and (box.opened_at is not None or box.state != BoxState.PREPARED):
        raise Conflict(
            _("The ballot box of %(ward)s has been opened: the ward stays in the round.")
            % {"ward": conference.unit.name},
            code="box_opened",
        )


def delete_round(*, actor: User | None, round: Round) -> None:
    """Delete a draft round with its conferences, boxes and leaders (audited)."""
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        authorize(actor, "round.delete", rnd)
        if rnd.state != RoundState.DRAFT:
            raise Conflict(
                _("Only a draft round can be deleted; this round is %(state)s.")
                % {"state": rnd.get_state_display()},
                code="round_not_draft",
            )
        conferences = list(rnd.conferences.select_related("unit", "box"))
        for conference in conferences:
            _check_box_untouched(conference)
            _delete_conference_rows(conference)
        record_event(
            actor=actor,
            action="round.delete",
            obj=rnd,
            unit=rnd.organiser_unit,
            data={"title": rnd.title, "wards": [c.unit.name for c in conferences]},
        )
        rnd.delete()


def remove_conference(*, actor: User | None, conference: Conference, reason: str = "") -> Round:
    """Drop a ward from a draft or open round before its box was ever opened (audited).

    The ward's conference, box, leaders and unused codes go; a round keeps at least one
    ward. After its box opened a ward cannot be dropped: its sheets are the round's.
    """
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=conference.round_id)
        authorize(actor, "round.remove_ward", rnd)
        if rnd.state not in (RoundState.DRAFT, RoundState.OPEN):
            raise Conflict(
                _("A ward can be dropped only from a draft or open round; this round is %(state)s.")
                % {"state": rnd.get_state_display()},
                code="bad_round_state",
            )
        current = Conference.objects.select_related("unit", "box").get(pk=conference.pk)
        _check_box_untouched(current)
        if rnd.conferences.count() <= 1:
            raise Conflict(
                _("A round keeps at least one ward; delete the draft round instead."),
                code="last_ward",
            )
        ward = current.unit
        _delete_conference_rows(current)
        record_event(
            actor=actor,
            action="round.ward_removed",
            obj=rnd,
            unit=ward,
            data={"ward": ward.name, "reason": reason.strip()[:300]},
        )
    return rnd
