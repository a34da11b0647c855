"""Permission matrix rows of the follow-through pages (accounts/rules/followup.py).

Every page first asks whether the user has a part in the follow-through at all (the
organisers, the Standing Committee, the Fatherland Front, the leaders): a counter and a
user without a role get 403. Past that, a refusal of the rules answers 404, so a plan's
existence is not revealed either. The objects belong to the ``leader`` persona in the
first ward (``phieukin/testing/followthrough.py``).

* the leader writes their own response, remediation plan, progress and self-cultivation
  plan, and answers feedback on it;
* the district organiser and the Standing Committee read responses and plans; only the
  organiser approves or returns a plan;
* the ward's office (and the district office) reads the self-cultivation plans of its
  ward and moderates citizen feedback;
* the Fatherland Front supervisor reads the self-cultivation plans and the follow-through
  report of their unit and writes supervision notes — nothing else.
"""

from typing import Any

from phieukin.testing.matrix import Row, rows

NO_PART: dict[str, int | str] = {"counter": 403, "superuser": 403}  # no role in follow-through
TAKE_PART = frozenset(
    {"district_organiser", "ward_organiser", "outsider", "leader", "standing", "supervisor"}
)
PLAN_READERS = frozenset({"leader", "district_organiser", "standing"})
CULTIVATION_READERS = frozenset(
    {"leader", "district_organiser", "standing", "ward_organiser", "supervisor"}
)
OWNER = frozenset({"leader"})


def _page(
    route: str, allowed: frozenset[str], target: str, *, data: dict[str, Any] | None = None
) -> list[Row]:
    return rows(route, allowed, target=target, refused=404, refused_as=NO_PART, data=data or {})


def _post(
    route: str, allowed: frozenset[str], target: str, *, data: dict[str, Any] | None = None
) -> list[Row]:
    """A POST-only route: a GET is refused 405 once the user passed the follow-through check."""
    return [
        Row(
            route, "POST", allowed, target=target, refused=404, refused_as=NO_PART, data=data or {}
        ),
        Row(route, "GET", frozenset(), target=target, refused=405, refused_as=NO_PART),
    ]


ROWS = [
    *rows("followup:index", TAKE_PART, refused_as=NO_PART),
    # The leader's report: the leader writes the response, the readers see it.
    *_page(
        "followup:subject",
        PLAN_READERS,
        "followup_subject",
        data={"accepted": "Tiếp thu ý kiến", "explained": ""},
    ),
    *_post("followup:plan_start", OWNER, "followup_subject"),
    *_page("followup:plan", PLAN_READERS, "followup_plan"),
    # Approving (the world's plan is approved already: the organiser gets a message).
    *_post("followup:plan_action", frozenset({"district_organiser"}), "followup_plan"),
    *_page("followup:measure_new", OWNER, "followup_plan"),
    *_page("followup:measure", OWNER, "followup_measure"),
    *_post("followup:measure_delete", OWNER, "followup_measure"),
    *_post(
        "followup:measure_progress",
        OWNER,
        "followup_measure",
        data={"percent": "50", "note": "Đã làm thêm một buổi"},
    ),
    *_page("followup:evidence", PLAN_READERS, "followup_evidence"),
    *_page("followup:round", frozenset({"district_organiser", "standing"}), "followup_round"),
    *_page("followup:report", frozenset({"district_organiser", "standing", "supervisor"}), ""),
    *_page(
        "followup:report_download",
        frozenset({"district_organiser", "standing", "supervisor"}),
        "followup_report",
    ),
    # Self-cultivation plans: the head writes and posts; MTTQ supervises.
    *_page("followup:cultivation_edit", OWNER, "cultivation_edit"),
    *_page("followup:cultivation", CULTIVATION_READERS, "cultivation"),
    *_post("followup:cultivation_post", OWNER, "cultivation"),
    *_page("followup:cultivation_poster", CULTIVATION_READERS, "cultivation"),
    *_post(
        "followup:cultivation_note",
        frozenset({"supervisor"}),
        "cultivation",
        data={"text": "Đề nghị công khai lịch tiếp dân."},
    ),
    # The moderation queue lists only what the user moderates (empty for the others).
    *rows("followup:moderation", TAKE_PART, refused_as=NO_PART),
    *_post(
        "followup:moderate",
        frozenset({"district_organiser", "ward_organiser"}),
        "feedback",
        data={"decision": "publish"},
    ),
    *_post("followup:answer", OWNER, "feedback", data={"answer": "Xin tiếp thu."}),
]
