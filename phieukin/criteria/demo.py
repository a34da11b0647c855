"""Demo data of the professional criteria: the sample set, commitments, quarterly assessments.

Every ward leader of the demo commits for 2022 (four quarters, all reviewed) and for the
year of the last ended quarter (quarters up to that one; in the last, some
self-assessments are missing, some only drafted, some await review, so the reminders
and the dashboard panel have something to show). Scores are drawn from a seeded
generator; everything goes through the services and runs again without duplicating.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.utils import timezone

from phieukin.accounts.models import User
from phieukin.criteria import scoring, services
from phieukin.criteria.models import Assessment, AssessmentState, Commitment, CriteriaSet
from phieukin.units.models import Position, UnitKind

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "criteria-chuyen-nghiep.yaml"
PAST_YEAR = 2022
COMMENTS = (
    "Hoàn thành tốt nhiệm vụ trong quý; cần đẩy nhanh tiến độ giải quyết hồ sơ đất đai.",
    "Tác phong sâu sát cơ sở; đề nghị tăng cường đối thoại với Nhân dân.",
    "Kết quả tự đánh giá phù hợp; chú ý chỉ đạo chuyển đổi số trong giải quyết thủ tục.",
    "Đồng ý với kết quả tự đánh giá.",
)
SELF_COMMENTS = (
    "Đã hoàn thành các nhiệm vụ trọng tâm của quý; còn chậm một số hồ sơ tồn đọng.",
    "Duy trì lịch tiếp dân định kỳ; chủ động chỉ đạo xử lý các kiến nghị của cử tri.",
    "Thực hiện nghiêm quy chế làm việc; cần nâng cao tỷ lệ hồ sơ giải quyết trước hạn.",
)


def criteria_set() -> CriteriaSet:
    """Return the sample criteria set, importing it once."""
    existing = CriteriaSet.objects.filter(code="tieu-chi-chuyen-nghiep", version=1).first()
    if existing is not None:
        return existing
    return services.import_criteria_set(actor=None, filename=SAMPLE.name, data=SAMPLE.read_bytes())


def _scores(rng: random.Random, keys: list[str], strength: float) -> dict[str, int]:
    return {k: max(4, min(10, round(rng.gauss(strength, 1.1)))) for k in keys}


def _assess(
    commitment: Commitment,
    quarter: int,
    keys: list[str],
    reviewer: User | None,
    *,
    outcome: str,
) -> None:
    """Bring the quarter's assessment to *outcome*: none, draft, submitted or reviewed."""
    if outcome == "none":
        return
    current = Assessment.objects.filter(commitment=commitment, quarter=quarter).first()
    rng = random.Random(f"{commitment.person_id}-{commitment.year}-{quarter}")
    strength = 7.4 + (commitment.person_id % 5) * 0.4
    if current is None:
        current = services.save_self_assessment(
            actor=None,
            commitment=commitment,
            quarter=quarter,
            scores=_scores(rng, keys, strength),
            comment=rng.choice(SELF_COMMENTS),
            submit=outcome in ("submitted", "reviewed"),
        )
    if outcome == "reviewed" and current.state == AssessmentState.SUBMITTED:
        lowered = {keys[rng.randrange(len(keys))]: 6} if rng.random() < 0.3 else {}
        services.review_assessment(
            actor=reviewer, assessment=current, scores=lowered, comment=rng.choice(COMMENTS)
        )


def seed(*, stdout: Any) -> None:
    """Create the sample set, the commitments and the quarterly assessments."""
    the_set = criteria_set()
    keys = list(the_set.criteria.order_by("order").values_list("key", flat=True))
    reviewer = User.objects.filter(username="tuyengiao").first()
    year, last_quarter = scoring.last_ended_quarter(timezone.localdate())
    positions = list(
        Position.objects.filter(unit__kind=UnitKind.WARD)
        .select_related("unit", "type")
        .order_by("unit__sort_key", "type__order")
    )
    made = 0
    for commit_year in sorted({PAST_YEAR, year}):
        on = dt.date(commit_year, 1, 15)
        for index, position in enumerate(positions):
            person = position.holder_on(on)
            if person is None:
                continue
            commitment = Commitment.objects.filter(person=person, year=commit_year).first()
            if commitment is None:
                commitment = services.commit_to_criteria(
                    actor=None,
                    person=person,
                    unit=position.unit,
                    year=commit_year,
                    criteria_set=the_set,
                    position_title=position.title,
                    pledge=(
                        "Tôi xin cam kết thực hiện nghiêm Bộ tiêu chí chuyên nghiệp, "
                        "gương mẫu, nêu gương, phục vụ Nhân dân tận tụy."
                    ),
                    committed_on=on,
                )
                made += 1
            quarters = 4 if commit_year < year else last_quarter
            for quarter in range(1, quarters + 1):
                outcome = "reviewed"
                if commit_year == year and quarter == last_quarter:
                    outcome = ("none", "draft", "submitted", "reviewed", "reviewed")[index % 5]
                _assess(commitment, quarter, keys, reviewer, outcome=outcome)
    stdout.write(
        f"Professional criteria: {made} new commitment(s); quarter {last_quarter}/{year} "
        "has assessments not done (see the reminders)."
    )
