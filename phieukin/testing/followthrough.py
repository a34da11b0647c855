"""The follow-through objects of the permission matrix's world (not used by the product).

One of each object the follow-through apps' routes are requested on, all in the first
ward and belonging to the ``leader`` persona where they belong to a person: a remediation
plan of the leader's published report (approved, one measure, one progress update with an
evidence file), a posted self-cultivation plan with one citizen feedback waiting, a
criteria commitment, an honouree and an emulation model, a Directive 24 self-check session
with one finding, and a year of grading. Everything is made through the services as the
command line (``actor=None``), so the objects are what the product itself would hold.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from phieukin.criteria import services as criteria
from phieukin.followup import services as followup
from phieukin.followup.models import CitizenFeedback
from phieukin.grading import services as grading
from phieukin.grading.models import Grading, SubjectKind
from phieukin.recognition import services as recognition
from phieukin.recognition.models import FieldOfWork, Level
from phieukin.rounds.models import Subject
from phieukin.selfcheck import services as selfcheck
from phieukin.units.models import Person, Unit

DATA = Path(__file__).resolve().parents[1] / "data"
EVIDENCE = b"%PDF-1.4\n% evidence of the matrix world\n"


def build_followthrough(
    *, district: Unit, ward: Unit, own: Subject, person: Person
) -> dict[str, Any]:
    """Create the follow-through objects of *ward* and return the URL parameters of each.

    *own* is the leader's subject in a published round, *person* the leader.
    """
    year = timezone.localdate().year

    plan = followup.start_plan(actor=None, subject=own)
    measure = followup.save_measure(
        actor=None,
        plan=plan,
        measure=None,
        data=followup.MeasureInput(
            action="Tổ chức đối thoại trực tiếp với Nhân dân hằng quý",
            responsible="Đồng chí Bí thư",
            deadline=dt.date(year + 1, 3, 31),
            expected_result="Người dân đánh giá Tốt tăng",
            item_text="Tiếp dân",
        ),
    )
    followup.submit_plan(actor=None, plan=plan)
    followup.approve_plan(actor=None, plan=plan)
    followup.begin_plan(actor=None, plan=plan)
    update = followup.report_progress(
        actor=None,
        measure=measure,
        percent=40,
        note="Đã tổ chức một buổi đối thoại",
        upload=SimpleUploadedFile("bien-ban.pdf", EVIDENCE, "application/pdf"),
    )
    followup.save_response(actor=None, subject=own, accepted="Tiếp thu", explained="")

    cultivation = followup.save_cultivation_plan(
        actor=None,
        person_id=person.pk,
        unit=ward,
        year=year,
        intro="Thực hiện Kết luận 21-KL/TW, tôi xây dựng kế hoạch như sau.",
        commitments=[followup.CommitmentInput("style", "Tiếp dân vào thứ Năm hằng tuần.")],
    )
    followup.post_cultivation_plan(actor=None, plan=cultivation)
    feedback = CitizenFeedback.objects.create(
        plan=cultivation, unit=ward, name="Một người dân", body="Đề nghị tiếp dân cả thứ Bảy."
    )

    criteria_set = criteria.import_criteria_set(
        actor=None,
        filename="criteria-chuyen-nghiep.yaml",
        data=(DATA / "criteria-chuyen-nghiep.yaml").read_bytes(),
    )
    commitment = criteria.commit_to_criteria(
        actor=None,
        person=person,
        unit=ward,
        year=year,
        criteria_set=criteria_set,
        position_title="Bí thư Đảng ủy phường",
    )

    honouree = recognition.record_honouree(
        actor=None,
        full_name="Nguyễn Văn An",
        unit=ward,
        level=Level.DISTRICT,
        year=year - 1,
        deed="Nhặt được ví, trả lại người đánh rơi",
        decision_number="101/QĐ-UBND",
        decision_date=dt.date(year - 1, 12, 20),
        public=False,
    )
    recognition.record_model(
        actor=None,
        name="Khối vận khéo",
        unit=ward,
        year=year - 1,
        field=FieldOfWork.MASS_MOBILISATION,
        description="Mô hình dân vận khéo của phường.",
        results="Thu hút 120 hộ tham gia",
        public=False,
    )

    checklist = selfcheck.import_checklist(
        actor=None,
        data=(DATA / "chi-thi-24-bieu-hien.yaml").read_bytes(),
        filename="chi-thi-24-bieu-hien.yaml",
    )
    session = selfcheck.create_session(
        actor=None,
        unit=ward,
        period=str(year - 1),
        checklist=checklist,
        title="",
        held_on=dt.date(year - 1, 9, 15),
        participants=52,
        speakers=13,
    )
    entry = session.entries.get()
    item = checklist.items.order_by("order").first()
    assert item is not None
    finding = selfcheck.record_finding(
        actor=None,
        entry=entry,
        item=item,
        remedy="Chấn chỉnh lề lối làm việc",
        follow_up_by="Văn phòng Đảng ủy",
        due_on=dt.date(year, 3, 31),
    )

    grading_year = grading.open_grading_year(actor=None, organiser_unit=district, year=year - 1)
    own_grading = Grading.objects.get(
        year=grading_year, unit=ward, kind=SubjectKind.INDIVIDUAL, person=person
    )

    return {
        # The leader's report of the published round and its remediation plan.
        "followup_subject": {"subject_id": own.pk},
        "followup_plan": {"plan_id": plan.pk, "action": "approve"},
        "followup_measure": {"plan_id": plan.pk, "measure_id": measure.pk},
        "followup_evidence": {"update_id": update.pk},
        "followup_round": {"round_id": own.conference.round_id},
        "followup_report": {"fmt": "xlsx"},
        "cultivation_edit": {"unit_id": ward.pk, "year": year},
        "cultivation": {"plan_id": cultivation.pk},
        "feedback": {"feedback_id": feedback.pk},
        "criteria_set": {"pk": criteria_set.pk},
        "commitment": {"pk": commitment.pk, "quarter": 1},
        "recognition_entry": {"kind": "honouree", "pk": honouree.pk},
        "recognition_unit": {"unit_id": district.pk, "fmt": "xlsx"},
        "checklist": {"pk": checklist.pk},
        "selfcheck": {"pk": session.pk, "entry": entry.pk, "finding": finding.pk, "fmt": "xlsx"},
        "grading_year": {"pk": grading_year.pk},
        "grading": {"pk": own_grading.pk, "step": "propose"},
        "record": {"person_id": person.pk, "fmt": "pdf"},
    }
