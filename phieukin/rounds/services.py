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
from phieukin.rounds import hooks
from phieukin.rounds.lifecycle import (
    BoxState,
    RoundAction,
    RoundState,
    TransitionError,
    check_round,
)
from phieukin.rounds.models import (
    AttendanceProposal,
    BallotBox,
    Conference,
    ProposalState,
    RespondentGroup,
    Round,
    Subject,
)
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
        # The published tally is stored now, by the app that computes it, so published
        # pages only read it.
        hooks.round_published.ask(rnd)
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
            raise _attendance_frozen()
        if box.opened_at is not None:
            # Four eyes once the box is open (accounts/rules/ballots.py, box.attendance):
            # a person proposes and another confirms; only the command line sets them.
            authorize(actor, "box.attendance", box)
            if actor is not None:
                raise Conflict(
                    _(
                        "The ballot box is open: an attendance change is proposed by one "
                        "member and takes effect when another confirms it."
                    ),
                    code="attendance_needs_confirmation",
                )
        _check_attendance(invited, present)
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


def _check_attendance(invited: int, present: int) -> None:
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


def _attendance_frozen() -> Conflict:
    return Conflict(
        _("The ballot box is closed for counting; attendance can no longer change."),
        code="attendance_frozen",
    )


def propose_attendance(
    *, actor: User, conference: Conference, invited: int, present: int
) -> AttendanceProposal:
    """Propose new attendance figures for a conference whose box is open.

    Nothing changes until another person confirms (:func:`confirm_attendance`); a
    pending proposal of the same conference is replaced. Audited.
    """
    _check_attendance(invited, present)
    with transaction.atomic():
        conf = Conference.objects.select_for_update().get(pk=conference.pk)
        box = BallotBox.objects.select_for_update().get(conference=conf)
        authorize(actor, "box.attendance.propose", box)
        if not box.takes_attendance:
            raise _attendance_frozen()
        now = timezone.now()
        replaced = list(
            AttendanceProposal.objects.filter(
                conference=conf, state=ProposalState.PENDING
            ).values_list("pk", flat=True)
        )
        AttendanceProposal.objects.filter(pk__in=replaced).update(
            state=ProposalState.SUPERSEDED, decided_at=now
        )
        proposal = AttendanceProposal.objects.create(
            conference=conf, invited=invited, present=present, proposed_by=actor, proposed_at=now
        )
        record_event(
            actor=actor,
            action="conference.attendance_proposed",
            obj=conf,
            unit=conf.unit,
            data={
                "proposal": proposal.pk,
                "invited": invited,
                "present": present,
                "replaces": replaced,
            },
        )
    return proposal


def confirm_attendance(*, actor: User, proposal: AttendanceProposal) -> Conference:
    """Confirm a pending attendance proposal: the conference's figures take its values.

    The proposer cannot confirm their own proposal; one of the two must be on the
    counting committee (``box.attendance.confirm``); nothing changes once the box is
    closed for counting or sealed. Audited with who proposed and who confirmed.
    """
    with transaction.atomic():
        locked = (
            AttendanceProposal.objects.select_for_update()
            .select_related("proposed_by")
            .get(pk=proposal.pk)
        )
        conf = Conference.objects.select_for_update().get(pk=locked.conference_id)
        box = BallotBox.objects.select_for_update().get(conference=conf)
        if locked.proposed_by_id == actor.pk:
            raise Conflict(
                _("You proposed this change: another member must confirm it."),
                code="own_proposal",
            )
        authorize(actor, "box.attendance.confirm", locked)
        if not box.takes_attendance:
            raise _attendance_frozen()
        if locked.state != ProposalState.PENDING:
            raise Conflict(
                _("This proposal is no longer waiting for confirmation."),
                code="proposal_not_pending",
            )
        now = timezone.now()
        locked.state = ProposalState.CONFIRMED
        locked.confirmed_by = actor
        locked.decided_at = now
        locked.save(update_fields=["state", "confirmed_by", "decided_at"])
        conf.invited_count = locked.invited
        conf.present_count = locked.present
        conf.save(update_fields=["invited_count", "present_count"])
        record_event(
            actor=actor,
            action="conference.attendance",
            obj=conf,
            unit=conf.unit,
            data={
                "invited": locked.invited,
                "present": locked.present,
                "proposal": locked.pk,
                "proposed_by": str(locked.proposed_by),
                "confirmed_by": str(actor),
            },
        )
    return conf


MAX_COMMITTEE = 15


def _one_line(text: str) -> str:
    """Return *text* on one line with single spaces; refuse control characters (NUL, …)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text.replace("\t", " ")):
        raise DomainError(
            _("Names, numbers and places are written on one line, without control characters."),
            code="bad_text",
        )
    return " ".join(text.split())


def record_round_plan(
    *,
    actor: User | None,
    round: Round,
    number: str,
    day: dt.date | None,
    issuer: str = "",
) -> Round:
    """Record the plan the round carries out ("104-KH/QU", 11/02/2022, its issuer).

    Every report and document of the round opens with "Thực hiện Kế hoạch số … ngày …
    của …". It is document data, not a rule of the count, so it may be corrected in
    any state; each change is audited.
    """
    number = _one_line(number)
    issuer = _one_line(issuer)
    if number.lower().startswith("số "):
        number = number[3:].strip()
    if number and day is None:
        raise DomainError(_("Give the date of the plan as well as its number."), code="plan_date")
    if len(number) > 64 or len(issuer) > 200:
        raise DomainError(_("The plan's number or issuer is too long."), code="plan_too_long")
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=round.pk)
        authorize(actor, "round.plan", rnd)
        rnd.plan_number = number
        rnd.plan_date = day if number else None
        rnd.plan_issuer = issuer
        rnd.save(update_fields=["plan_number", "plan_date", "plan_issuer"])
        record_event(
            actor=actor,
            action="round.plan",
            obj=rnd,
            unit=rnd.organiser_unit,
            data={
                "number": number,
                "date": rnd.plan_date.isoformat() if rnd.plan_date else "",
                "issuer": issuer,
            },
        )
    return rnd


def record_conference_details(
    *,
    actor: User | None,
    conference: Conference,
    place: str,
    starts_at: dt.time | None,
    chair: str,
    secretary: str,
    committee: Iterable[str],
) -> Conference:
    """Record the venue, starting time, chair, secretary and counting committee present.

    The counting minutes print them, with one signature block per committee member (the
    first is the head, TỔ TRƯỞNG). They change until the box is sealed; the minutes of a
    sealed box never change.
    """
    members = [_one_line(str(name)) for name in committee]
    members = [name for name in members if name]
    place, chair, secretary = _one_line(place), _one_line(chair), _one_line(secretary)
    if len(members) > MAX_COMMITTEE:
        raise DomainError(
            _("A counting committee has at most %(n)s members.") % {"n": MAX_COMMITTEE},
            code="committee_too_large",
        )
    if any(len(name) > 128 for name in members) or len(chair) > 128 or len(secretary) > 128:
        raise DomainError(_("A full name has at most 128 characters."), code="name_too_long")
    if len(place) > 200:
        raise DomainError(_("The venue has at most 200 characters."), code="place_too_long")
    with transaction.atomic():
        conf = Conference.objects.select_for_update().get(pk=conference.pk)
        box = BallotBox.objects.select_for_update().get(conference=conf)
        authorize(actor, "conference.record_details", conf)
        if box.state == BoxState.SEALED:
            raise Conflict(
                _("The ballot box is sealed; the minutes and the conference details are final."),
                code="details_frozen",
            )
        conf.place = " ".join(place.split())
        conf.starts_at = starts_at
        conf.chair = " ".join(chair.split())
        conf.secretary = " ".join(secretary.split())
        conf.committee = members
        conf.save(update_fields=["place", "starts_at", "chair", "secretary", "committee"])
        record_event(
            actor=actor,
            action="conference.details",
            obj=conf,
            unit=conf.unit,
            data={
                "place": conf.place,
                "starts_at": starts_at.strftime("%H:%M") if starts_at else "",
                "chair": conf.chair,
                "secretary": conf.secretary,
                "committee": members,
            },
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
