"""Request and response shapes of the HTTP API (they make the OpenAPI document).

Every number and string of a request is bounded, so an out-of-range value is refused
with 400 before it reaches the database (a 64-bit column cannot hold 2⁶³).
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BaseModel, StringConstraints

MAX_ID = 2**63 - 1
MAX_COUNT = 1_000_000
Key = Annotated[str, StringConstraints(max_length=64)]


# The voting route's shapes are plain pydantic models: ninja's Schema wraps what it
# validates in a getter for Django model instances, a cost that JSON in and a list of
# receipts out do not need, on the route every ballot takes.


class SheetIn(BaseModel):
    subject: (
        Annotated[int, Field(ge=1, le=MAX_ID)] | Annotated[str, StringConstraints(max_length=20)]
    ) = Field(..., description="Id of the evaluated leader (subject).")
    answers: dict[Key, Key | None] = Field(
        ..., description="Item key → option key.", max_length=500
    )
    comment: str = Field(
        "",
        description=(
            "Free-text comment, at most the box's comment.max_length UTF-16 code units "
            "(as a browser's maxlength counts: an emoji counts two)."
        ),
    )


class BallotIn(BaseModel):
    code: str = Field(..., description="The one-time code, e.g. ABCD-EFGH-JKMN.", max_length=64)
    sheets: list[SheetIn] = Field(..., max_length=50)


class ReceiptsOut(BaseModel):
    receipts: list[str]


class ErrorOut(Schema):
    detail: str
    code: str


class CodesIn(Schema):
    count: int = Field(..., ge=1, le=5000)
    group: str | None = Field(None, description="Respondent group key (optional).", max_length=64)


class CodesOut(Schema):
    box: int
    codes: list[str]


class VoidIn(Schema):
    codes: list[Annotated[str, StringConstraints(max_length=64)]] = Field(..., max_length=5000)


class VoidOut(Schema):
    voided: int


class OpenIn(Schema):
    threshold: int = Field(2, ge=1, le=10, description="Key shares needed to seal the box.")
    members: int = Field(3, ge=1, le=10, description="Key shares for the committee members.")
    recovery: bool = Field(True, description="One more share, for the organiser.")


class SealIn(Schema):
    shares: list[str] = Field(
        default_factory=list,
        description="Typed key shares (at least the box's threshold of them).",
    )
    acknowledge_mismatch: bool = False


class AttendanceIn(Schema):
    invited: int = Field(..., ge=0, le=MAX_COUNT)
    present: int = Field(..., ge=0, le=MAX_COUNT)


class ProposalOut(Schema):
    id: int
    box: int
    invited: int
    present: int
    state: str
    proposed_by: str
    proposed_at: str
    confirmed_by: str | None


class PaperIn(Schema):
    issued: int | None = Field(None, ge=0, le=MAX_COUNT)
    returned: int | None = Field(None, ge=0, le=MAX_COUNT)


class StatusOut(Schema):
    box: int
    state: str
    counts: dict[str, Any]
    mismatches: list[str]


class OpenOut(StatusOut):
    threshold: int
    members: int
    recovery: bool
    fingerprint: str
    shares: list[str] = Field(
        ...,
        description="The box's key shares in typed form, members first, then the recovery "
        "share; returned once and never kept: print them now.",
    )


class SealOut(Schema):
    box: int
    digest: str
    counts: dict[str, Any]
    # False while another database session kept the deleted pre-seal copies in the
    # files; ``manage.py scrub_boxes`` finishes the work.
    scrubbed: bool = True


class VerifyOut(Schema):
    box: int
    ok: bool
    problems: list[str]
    digest: str
