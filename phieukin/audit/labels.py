"""Vietnamese names of the audit log's actions, for the pages people read.

The stored action stays a stable key (``box.seal``); pages show its name here. An
action this table does not know yet is named by its domain ("Hòm phiếu: thao tác
khác"), so no raw key reaches a reader.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTIONS: dict[str, Promise] = {
    "accounts.api_token_created": pgettext_lazy("audit action", "API token created"),
    "accounts.api_token_revoked": pgettext_lazy("audit action", "API token revoked"),
    "accounts.committee_member_added": pgettext_lazy(
        "audit action", "Counting-committee account added"
    ),
    "accounts.committee_member_removed": pgettext_lazy(
        "audit action", "Counting-committee account removed"
    ),
    "accounts.password_changed": pgettext_lazy("audit action", "Password changed"),
    "accounts.second_factor_enrolled": pgettext_lazy("audit action", "Second factor enrolled"),
    "accounts.second_factor_reset": pgettext_lazy("audit action", "Second factor reset"),
    "accounts.sign_in_unlocked": pgettext_lazy("audit action", "Sign-in unlocked"),
    "admin.add": pgettext_lazy("audit action", "Record added in the administration"),
    "admin.change": pgettext_lazy("audit action", "Record changed in the administration"),
    "admin.delete": pgettext_lazy("audit action", "Record deleted in the administration"),
    "box.close": pgettext_lazy("audit action", "Ballot box closed"),
    "box.open": pgettext_lazy("audit action", "Ballot box opened"),
    "box.paper_counts": pgettext_lazy("audit action", "Paper ballot counts recorded"),
    "box.reopen": pgettext_lazy("audit action", "Ballot box reopened"),
    "box.scrub": pgettext_lazy("audit action", "Deleted pre-seal copies scrubbed"),
    "box.seal": pgettext_lazy("audit action", "Ballot box sealed"),
    "box.signed_minutes": pgettext_lazy("audit action", "Signed counting minutes stored"),
    "codes.generate": pgettext_lazy("audit action", "Voting codes created"),
    "codes.void": pgettext_lazy("audit action", "Voting codes cancelled"),
    "conference.attendance": pgettext_lazy("audit action", "Attendance recorded"),
    "conference.attendance_proposed": pgettext_lazy("audit action", "Attendance change proposed"),
    "conference.details": pgettext_lazy("audit action", "Conference details recorded"),
    "criteria.commit": pgettext_lazy("audit action", "Criteria commitment made"),
    "criteria.import": pgettext_lazy("audit action", "Criteria set imported"),
    "criteria.queue_reminders": pgettext_lazy("audit action", "Criteria reminders queued"),
    "criteria.return": pgettext_lazy("audit action", "Criteria assessment returned"),
    "criteria.review": pgettext_lazy("audit action", "Criteria assessment reviewed"),
    "criteria.save_draft": pgettext_lazy("audit action", "Criteria assessment draft saved"),
    "criteria.submit": pgettext_lazy("audit action", "Criteria assessment submitted"),
    "followup.cultivation.note": pgettext_lazy(
        "audit action", "Supervision note on a self-cultivation plan"
    ),
    "followup.cultivation.post": pgettext_lazy("audit action", "Self-cultivation plan posted"),
    "followup.cultivation.save": pgettext_lazy("audit action", "Self-cultivation plan saved"),
    "followup.feedback.answer": pgettext_lazy("audit action", "Citizen feedback answered"),
    "followup.feedback.moderate": pgettext_lazy("audit action", "Citizen feedback moderated"),
    "followup.measure.progress": pgettext_lazy("audit action", "Progress of a measure recorded"),
    "followup.measure.remove": pgettext_lazy("audit action", "Measure removed"),
    "followup.measure.save": pgettext_lazy("audit action", "Measure saved"),
    "followup.plan.approve": pgettext_lazy("audit action", "Remediation plan approved"),
    "followup.plan.begin": pgettext_lazy("audit action", "Remediation plan begun"),
    "followup.plan.complete": pgettext_lazy("audit action", "Remediation plan completed"),
    "followup.plan.return": pgettext_lazy("audit action", "Remediation plan returned"),
    "followup.plan.revise": pgettext_lazy("audit action", "Remediation plan revised"),
    "followup.plan.start": pgettext_lazy("audit action", "Remediation plan started"),
    "followup.plan.submit": pgettext_lazy("audit action", "Remediation plan submitted"),
    "followup.response.save": pgettext_lazy("audit action", "Leader's response saved"),
    "grading.decided": pgettext_lazy("audit action", "Grade decided"),
    "grading.proposed": pgettext_lazy("audit action", "Grade proposed"),
    "grading.self_assessed": pgettext_lazy("audit action", "Self-assessment for grading"),
    "grading.year_opened": pgettext_lazy("audit action", "Grading year opened"),
    "paper.double_entry": pgettext_lazy("audit action", "Paper sheet keyed twice"),
    "paper.entry_discarded": pgettext_lazy("audit action", "Keyed paper sheet discarded"),
    "paper.entry_resolved": pgettext_lazy("audit action", "Double-entry disagreement resolved"),
    "paper.entry_withdrawn": pgettext_lazy("audit action", "Typist took back their last entry"),
    "paper.print": pgettext_lazy("audit action", "Paper ballots printed"),
    "paper.scans_uploaded": pgettext_lazy("audit action", "Scans uploaded"),
    "paper.sheet_voided": pgettext_lazy("audit action", "Paper sheet voided with a reason"),
    "paper.spot_check": pgettext_lazy(
        "audit action", "Share of scanned sheets checked at random set"
    ),
    "person.create": pgettext_lazy("audit action", "Person added"),
    "position.appoint": pgettext_lazy("audit action", "Post holder appointed"),
    "questionnaire.freeze": pgettext_lazy("audit action", "Questionnaire frozen"),
    "questionnaire.import": pgettext_lazy("audit action", "Questionnaire imported"),
    "questionnaire.new_version": pgettext_lazy("audit action", "New questionnaire version"),
    "recognition.honouree": pgettext_lazy("audit action", "Honouree recorded"),
    "recognition.model": pgettext_lazy("audit action", "Emulation model recorded"),
    "recognition.model_status": pgettext_lazy("audit action", "Emulation model status changed"),
    "recognition.publish": pgettext_lazy("audit action", "Recognition made public"),
    "recognition.withdraw": pgettext_lazy("audit action", "Recognition withdrawn from the public"),
    "record.export": pgettext_lazy("audit action", "Leader's record exported"),
    "round.close": pgettext_lazy("audit action", "Round closed"),
    "round.create": pgettext_lazy("audit action", "Round created"),
    "round.delete": pgettext_lazy("audit action", "Draft round deleted"),
    "round.edit": pgettext_lazy("audit action", "Draft round edited"),
    "round.open": pgettext_lazy("audit action", "Round opened"),
    "round.plan": pgettext_lazy("audit action", "Plan reference of the round recorded"),
    "round.publish": pgettext_lazy("audit action", "Round published"),
    "round.rules_locked": pgettext_lazy("audit action", "Anonymity rules of the round locked"),
    "round.ward_removed": pgettext_lazy("audit action", "Ward dropped from the round"),
    "selfcheck.checklist_imported": pgettext_lazy("audit action", "Self-check checklist imported"),
    "selfcheck.finding_recorded": pgettext_lazy("audit action", "Self-check finding recorded"),
    "selfcheck.follow_up_updated": pgettext_lazy("audit action", "Self-check follow-up updated"),
    "selfcheck.individual_added": pgettext_lazy("audit action", "Person added to a self-check"),
    "selfcheck.none_apply": pgettext_lazy("audit action", "Self-check: no expression applies"),
    "selfcheck.session_created": pgettext_lazy("audit action", "Self-check session created"),
    "selfcheck.session_updated": pgettext_lazy("audit action", "Self-check session updated"),
    "units.import": pgettext_lazy("audit action", "Units imported"),
    "units.import_list": pgettext_lazy("audit action", "Unit list imported"),
    "units.reorganise": pgettext_lazy("audit action", "Reorganisation recorded"),
}

DOMAINS: dict[str, Promise] = {
    "accounts": pgettext_lazy("audit domain", "Accounts"),
    "admin": pgettext_lazy("audit domain", "Administration"),
    "box": pgettext_lazy("audit domain", "Ballot box"),
    "codes": pgettext_lazy("audit domain", "Voting codes"),
    "conference": pgettext_lazy("audit domain", "Conference"),
    "criteria": pgettext_lazy("audit domain", "Professional criteria"),
    "followup": pgettext_lazy("audit domain", "Follow-through"),
    "grading": pgettext_lazy("audit domain", "Annual grading"),
    "paper": pgettext_lazy("audit domain", "Paper ballots"),
    "person": pgettext_lazy("audit domain", "People"),
    "position": pgettext_lazy("audit domain", "Posts"),
    "questionnaire": pgettext_lazy("audit domain", "Questionnaires"),
    "recognition": pgettext_lazy("audit domain", "Recognition"),
    "record": pgettext_lazy("audit domain", "Leader's record"),
    "round": pgettext_lazy("audit domain", "Round"),
    "selfcheck": pgettext_lazy("audit domain", "Self-check"),
    "units": pgettext_lazy("audit domain", "Units"),
}


def action_label(action: str) -> str:
    """Return the Vietnamese name of an audit action (never the raw key)."""
    known = ACTIONS.get(action)
    if known is not None:
        return str(known)
    domain = DOMAINS.get(action.split(".", 1)[0])
    if domain is None:
        return str(_("Other action"))
    return str(_("%(domain)s: other action") % {"domain": domain})
