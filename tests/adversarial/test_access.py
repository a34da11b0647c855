"""Access: a ward's users reach only their ward; a leader only their own report.

Every URL pattern of the project is walked (the resolver, not a hand-made list) with
ward 0's object ids filled in, and opened by users who must not see ward 0's data:
ward 1's organiser, counter and leader, and an anonymous visitor. A response counts as
a leak when it is a success and names one of ward 0's leaders or the ward itself. The
read-only Standing Committee and the leaders may not change anything by POST.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from phieukin.accounts.models import Membership, Role, User
from phieukin.api.auth import create_api_token
from phieukin.audit.models import AuditEvent
from phieukin.ballots import services
from phieukin.ballots.models import Ballot, Code
from phieukin.paper.models import (
    PendingEntry,
    PendingReading,
    ReaderCheck,
    ReviewCrop,
    ScanBatch,
)
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.rounds.services import close_round, publish_round
from phieukin.units.models import Position, Unit
from tests.adversarial.conftest import full_sheets, run_session

pytestmark = pytest.mark.django_db

# Public by design (DESIGN §5): the ballot definition names the leaders, the bulletin and
# the tally of a sealed box are published.
PUBLIC = {
    "public:vote",
    "public:vote_code",
    "public:receipt",
    "public:bulletin",
    "api:box_definition",
    "api:bulletin",
    "api:ballots_csv",
    "api:tally",
    "api:cast",
    # Posted self-cultivation plans and citizen feedback (DESIGN §5, follow-through).
    "public:posted_plans",
    "public:plan_feedback",
    "api:unit_plans",
    "api:plan_feedback",
    # What the district office marked public of the recognition registry.
    "public_recognition:unit",
    "api:unit_recognitions",
}


def walk(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> Iterator[Any]:
    """Yield (route, name, converter names) of every URL pattern below *resolver*."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from walk(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            yield prefix + str(entry.pattern), f"{ns}{entry.name}", converters


def _fill(route: str, name: str, ids: dict[str, int | str]) -> str | None:
    """Return *route* with ward 0's ids in place of its parameters (None when unknown)."""
    import re

    def value(match: re.Match[str]) -> str:
        param = match.group(2)
        if param == "pk":
            param = "conference" if "conference" in name else "round"
        if param not in ids:
            raise KeyError(param)
        return str(ids[param])

    try:
        path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    except KeyError:
        return None
    if "(?P" in path or "^" in path:
        return None
    return "/" + path.lstrip("/")


def _user(username: str, role: str, unit: Unit, person: Any = None) -> User:
    user = User.objects.create_user(username=username, password="pw", person=person)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def _followup_objects(subject: Subject, ward: Unit) -> dict[str, int | str]:
    """Give ward 0 a response, a remediation plan and a posted self-cultivation plan."""
    from phieukin.followup import services as followup
    from phieukin.followup.tokens import feedback_token

    followup.save_response(actor=None, subject=subject, accepted="Tiếp thu", explained="")
    plan = followup.start_plan(actor=None, subject=subject)
    measure = followup.save_measure(
        actor=None,
        plan=plan,
        data=followup.MeasureInput("Đối thoại", "Bí thư", dt.date(2030, 1, 1), "Tốt hơn"),
    )
    year = dt.date.today().year
    own = followup.save_cultivation_plan(
        actor=None,
        person_id=subject.person_id,
        unit=ward,
        year=year,
        intro="",
        commitments=[followup.CommitmentInput("ethics", "Giản dị")],
    )
    own = followup.post_cultivation_plan(actor=None, plan=own)
    feedback = followup.submit_feedback(plan=own, body="Góp ý", token=feedback_token(own.pk))
    assert feedback is not None
    return {
        "plan_id": plan.pk,
        "measure_id": measure.pk,
        "feedback_id": feedback.pk,
        "year": year,
    }


@pytest.fixture
def world(
    box: BallotBox, other_box: BallotBox, counter: User, wards: list[Unit], open_round_: Round
) -> dict[str, Any]:
    """Return a published round whose ward 0 box holds a sealed session, and the ids."""
    # Ward 0's scan reader was checked against the paper: the seal records it, and the
    # round's reader checks name the ward to its own readers only.
    ReaderCheck.objects.create(box=box, spot_copies=2, spot_items=42, spot_differences=1)
    run_session(box, typist=counter, online=8, typed=0)
    for rest in BallotBox.objects.filter(conference__round=open_round_).exclude(pk=box.pk):
        run_session(rest, typist=None, online=5, typed=0)
    close_round(actor=None, round=open_round_)
    publish_round(actor=None, round=open_round_)
    subject = Subject.objects.filter(conference=box.conference).order_by("pk")[0]
    batch = ScanBatch.objects.create(box=box)
    reading = PendingReading.objects.create(box=box, subject=subject, copy_digest="d" * 64)
    crop = ReviewCrop.objects.create(reading=reading, item_key="nd01", image=b"png")
    entry = PendingEntry.objects.create(
        box=box, subject=subject, sheet_label="9", first_by=counter, first_keys="1"
    )
    followup = _followup_objects(subject, wards[0])
    ids: dict[str, int | str] = {
        **followup,
        "box_id": box.pk,
        "box": box.pk,
        "conference": box.conference_id,
        "round": open_round_.pk,
        "round_id": open_round_.pk,
        "subject_id": subject.pk,
        "entry_id": entry.pk,
        "batch_id": batch.pk,
        "reading_id": reading.pk,
        "crop_id": crop.pk,
        "unit_id": wards[0].pk,
        "person_id": subject.person_id,
        "person": subject.person_id,
        "code": "ABCD-EFGH-JKMN",
        "fmt": "pdf",
        "action": "close",
    }
    names = [s.name for s in Subject.objects.filter(conference=box.conference)]
    return {"ids": ids, "names": names, "ward": wards[0].name}


@pytest.fixture
def intruders(wards: list[Unit], outsider: User) -> dict[str, User | None]:
    """Return ward 1's users (organiser, counter, leader) and an anonymous visitor."""
    holder = Position.objects.get(unit=wards[1], type__key="bi_thu_dang_uy").holder_on(
        dt.date.today()
    )
    return {
        "ward 1 organiser": outsider,
        "ward 1 counter": _user("kiemphieu2", Role.COUNTER, wards[1]),
        "ward 1 leader": _user("lanhdao2", Role.LEADER, wards[1], person=holder),
        "anonymous": None,
    }


def _xlsx_text(body: bytes) -> str:
    """Return every cell of every sheet of an XLSX file as text."""
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _get_all(world: dict[str, Any], user: User | None, formats: tuple[str, ...]) -> list[str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    leaks = []
    for route, name, _conv in walk():
        if name in PUBLIC or name.startswith("admin:"):
            continue
        for fmt in formats if "<str:fmt>" in route else ("",):
            ids = world["ids"] | ({"fmt": fmt} if fmt else {})
            path = _fill(route, name, ids)
            if path is None:
                continue
            response = client.get(path)
            if response.status_code != 200:
                continue
            body = b"".join(response) if response.streaming else response.content
            kind = response.get("Content-Type", "")
            if "json" in kind:
                text = json.dumps(json.loads(body), ensure_ascii=False)
            elif any(t in kind for t in ("html", "text/", "yaml")):
                text = body.decode("utf-8", "replace")
            elif "spreadsheetml" in kind:  # an XLSX: every cell's text is read
                text = _xlsx_text(body)
            else:  # another file (PDF, DOCX, PNG): compressed, so any success is a leak
                leaks.append(f"{name} {path}: a {kind} file")
                continue
            named = [n for n in world["names"] if n in text]
            if named or world["ward"] in text:
                leaks.append(f"{name} {path}: {named or world['ward']}")
    return leaks


@pytest.mark.parametrize(
    "who", ["ward 1 organiser", "ward 1 counter", "ward 1 leader", "anonymous"]
)
def test_no_page_of_the_project_shows_ward_0_to_someone_outside_it(
    who: str, world: dict[str, Any], intruders: dict[str, User | None]
) -> None:
    leaks = _get_all(world, intruders[who], ("pdf", "docx", "xlsx", "html", "csv", "json"))
    assert not leaks


def test_the_walk_reaches_the_pages_that_do_show_ward_0(
    world: dict[str, Any], ward_organiser: User
) -> None:
    """Control: the same walk as ward 0's organiser finds ward 0's leaders on many pages."""
    shown = _get_all(world, ward_organiser, ("pdf",))
    assert len(shown) >= 10, shown
    assert any("a application/pdf file" in s for s in shown), shown
    # A spreadsheet is read, not counted as a leak unseen: ward 0's own names the ward.
    assert any(s.startswith("paper:round_checks_xlsx ") for s in shown), shown


def test_a_leader_opens_only_their_own_report(
    world: dict[str, Any], leader: User, client: Client
) -> None:
    client.force_login(leader)
    ids = world["ids"]
    own = Subject.objects.get(conference_id=ids["conference"], person=leader.person)
    other = Subject.objects.filter(conference_id=ids["conference"]).exclude(pk=own.pk)[0]
    base = f"/reports/{ids['round']}/leaders/"
    assert client.get(f"{base}{own.pk}/").status_code == 200
    assert client.get(f"{base}{other.pk}/").status_code == 404
    for fmt in ("pdf", "docx", "xlsx"):
        assert client.get(f"{base}{other.pk}/report.{fmt}").status_code == 404
    assert client.get(f"/reports/{ids['round']}/summary.xlsx").status_code in (403, 404)


# --- Writes ----------------------------------------------------------------------------


@pytest.fixture
def open_world(box: BallotBox, wards: list[Unit], open_round_: Round) -> dict[str, Any]:
    """Return ward 0's box open with 3 ballots cast, and the ids of the URL walk."""
    services.open_box(actor=None, box=box)
    for code in services.generate_codes(actor=None, box=box, count=3):
        services.cast_ballot(code=code, sheets=full_sheets(box, 1))
    subject = Subject.objects.filter(conference=box.conference).order_by("pk")[0]
    ids: dict[str, int | str] = {
        "box_id": box.pk,
        "conference": box.conference_id,
        "round": open_round_.pk,
        "round_id": open_round_.pk,
        "subject_id": subject.pk,
        "fmt": "pdf",
        "action": "close",
        "unit_id": wards[0].pk,
        "person_id": subject.person_id,
        "person": subject.person_id,
    }
    return {"ids": ids, "box": box}


def _state() -> tuple[int, int, int, list[str], list[str]]:
    return (
        AuditEvent.objects.count(),
        Ballot.objects.count(),
        Code.objects.count(),
        sorted(BallotBox.objects.values_list("state", flat=True)),
        sorted(Round.objects.values_list("state", flat=True)),
    )


def _post_everywhere(user: User | None, ids: dict[str, int | str]) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    tried = 0
    for route, name, _conv in walk():
        if name in PUBLIC or name.startswith("admin:") or name == "accounts:logout":
            continue
        path = _fill(route, name, ids)
        if path is None:
            continue
        for data in ({}, {"count": "5", "issued": "3", "returned": "3", "confirm": "1"}):
            client.post(path, data)
            tried += 1
    return tried


@pytest.mark.parametrize("who", ["standing", "leader", "outsider", "anonymous"])
def test_no_post_anywhere_changes_anything_for_a_read_only_or_outside_user(
    who: str, open_world: dict[str, Any], request: Any
) -> None:
    user = None if who == "anonymous" else request.getfixturevalue(who)
    before = _state()
    assert _post_everywhere(user, open_world["ids"]) > 40
    assert _state() == before


def test_the_same_posts_by_the_wards_organiser_do_change_things(
    open_world: dict[str, Any], ward_organiser: User
) -> None:
    """Control: the POST walk is able to change ward 0's box when the user may."""
    before = _state()
    _post_everywhere(ward_organiser, open_world["ids"])
    assert _state() != before


def test_a_revoked_token_and_an_outside_token_are_refused(
    client: Client, open_world: dict[str, Any], ward_organiser: User, outsider: User
) -> None:
    from django.utils import timezone

    from phieukin.accounts.models import ApiToken

    box = open_world["box"]
    revoked = create_api_token(user=ward_organiser, name="old")
    ApiToken.objects.filter(user=ward_organiser).update(revoked_at=timezone.now())
    outside = create_api_token(user=outsider, name="ward 1")
    before = _state()
    for token, allowed in ((revoked, {401}), (outside, {403, 404})):
        headers = {"Authorization": f"Bearer {token}"}
        for method, path, body in (
            ("get", f"/api/v1/admin/boxes/{box.pk}", None),
            ("post", f"/api/v1/admin/boxes/{box.pk}/codes", {"count": 5}),
            ("post", f"/api/v1/admin/boxes/{box.pk}/codes/void", {"codes": []}),
            ("post", f"/api/v1/admin/boxes/{box.pk}/close", {}),
            ("post", f"/api/v1/admin/boxes/{box.pk}/paper", {"issued": 1, "returned": 1}),
            ("post", f"/api/v1/admin/boxes/{box.pk}/attendance", {"invited": 9, "present": 9}),
            ("post", f"/api/v1/admin/boxes/{box.pk}/seal", {"acknowledge_mismatch": True}),
        ):
            if method == "get":
                response = client.get(path, headers=headers)
            else:
                response = client.post(path, body, content_type="application/json", headers=headers)
            assert response.status_code in allowed, (token[:6], path, response.status_code)
    assert _state() == before


def test_an_outside_token_cannot_verify_another_wards_box(
    client: Client, world: dict[str, Any], outsider: User
) -> None:
    token = create_api_token(user=outsider, name="ward 1")
    response = client.get(
        f"/api/v1/admin/boxes/{world['ids']['box_id']}/verify",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (403, 404), response.json()
