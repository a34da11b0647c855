"""Request and response shapes of the HTTP API (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class SheetIn(Schema):
    subject: int | str = Field(..., description="Id of the evaluated leader (subject).")
    answers: dict[str, str | None] = Field(..., description="Item key → option key.")
    comment: str = ""


class BallotIn(Schema):
    code: str = Field(..., description="The one-time code, e.g. ABCD-EFGH-JKMN.")
    sheets: list[SheetIn]


class ReceiptsOut(Schema):
    receipts: list[str]


class ErrorOut(Schema):
    detail: str
    code: str


class CodesIn(Schema):
    count: int = Field(..., ge=1, le=5000)
    group: str | None = Field(None, description="Respondent group key (optional).")


class CodesOut(Schema):
    box: int
    codes: list[str]


class VoidIn(Schema):
    codes: list[str]


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
    invited: int
    present: int


class PaperIn(Schema):
    issued: int | None = None
    returned: int | None = None


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


class VerifyOut(Schema):
    box: int
    ok: bool
    problems: list[str]
    digest: str
