"""Admin API of a ward's counting-committee accounts (token).

``GET /api/v1/admin/wards/{unit}/committee`` lists the ward's counting-committee accounts;
``POST`` to the same path adds one (its temporary password is answered once);
``POST /api/v1/admin/wards/{unit}/committee/{member}/remove`` takes one off the committee.
The ward office and the organisers above it reach only the wards they manage today (404
for any other); the same services as the page ``/accounts/committee/`` and the command
``committee_member`` decide and audit (``accounts.services``, rule ``committee.manage``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from phieukin.accounts import selectors, services
from phieukin.accounts.models import User
from phieukin.api.auth import TokenAuth
from phieukin.api.schemas import ErrorOut

router = Router(tags=["admin"], auth=TokenAuth())
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    415: ErrorOut,
}


class MemberIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    full_name: str = Field(..., min_length=1, max_length=128)


class MemberOut(Schema):
    id: int
    username: str
    full_name: str
    first_sign_in_done: bool


class CommitteeOut(Schema):
    ward: int
    ward_name: str
    members: list[MemberOut]


class CreatedOut(MemberOut):
    temporary_password: str


class RemovedOut(Schema):
    id: int
    username: str
    deactivated: bool


def _actor(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _ward(request: HttpRequest, unit: int) -> Any:
    ward = selectors.committee_ward(_actor(request), unit)
    if ward is None:
        raise Http404
    return ward


def _member(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "first_sign_in_done": not user.must_change_password,
    }


@router.get("/wards/{unit}/committee", response={200: CommitteeOut, **ERRORS})
def committee_members(request: HttpRequest, unit: int) -> Any:
    """List the counting-committee accounts of a ward the token's user manages."""
    ward = _ward(request, unit)
    members = selectors.committee_members(_actor(request), ward)
    return {
        "ward": ward.pk,
        "ward_name": getattr(ward, "full_name", "") or str(ward),
        "members": [_member(m) for m in members],
    }


@router.post("/wards/{unit}/committee", response={201: CreatedOut, **ERRORS})
def add_committee_member(request: HttpRequest, unit: int, payload: MemberIn) -> Any:
    """Add a counting-committee account to the ward; its temporary password is shown once.

    The account must set its own password and enrol a second factor at first sign-in.
    409 ``username_taken`` when the sign-in name is in use.
    """
    created = services.add_committee_member(
        actor=_actor(request),
        unit=_ward(request, unit),
        username=payload.username,
        full_name=payload.full_name,
    )
    return Status(201, {**_member(created.user), "temporary_password": created.temporary_password})


@router.post("/wards/{unit}/committee/{member}/remove", response={200: RemovedOut, **ERRORS})
def remove_committee_member(request: HttpRequest, unit: int, member: int) -> Any:
    """Take a member off the ward's counting committee (an account left without a role
    can no longer sign in, and its tokens are revoked)."""
    ward = _ward(request, unit)
    user = selectors.committee_members(_actor(request), ward).filter(pk=member).first()
    if user is None:
        raise Http404
    removed = services.remove_committee_member(actor=_actor(request), unit=ward, user=user)
    return {"id": removed.pk, "username": removed.username, "deactivated": not removed.is_active}
