"""Creating and opening a round."""

import pytest

from phieukin.audit.services import verify_chain
from phieukin.core.errors import Conflict
from phieukin.rounds.models import BallotBox, Subject
from phieukin.rounds.services import close_round, open_round


def test_it_creates_one_conference_box_and_two_leaders_per_ward(draft_round) -> None:
    assert draft_round.conferences.count() == 3
    assert BallotBox.objects.filter(conference__round=draft_round).count() == 3
    assert Subject.objects.filter(conference__round=draft_round).count() == 6
    assert draft_round.respondent_groups.count() == 4


def test_opening_freezes_the_questionnaire_and_is_audited(draft_round) -> None:
    rnd = open_round(actor=None, round=draft_round)
    rnd.questionnaire.refresh_from_db()
    assert rnd.state == "open"
    assert rnd.questionnaire.is_frozen
    report = verify_chain()
    assert report.ok and report.checked >= 3


def test_it_refuses_to_close_a_round_with_unsealed_boxes(open_round_) -> None:
    with pytest.raises(Conflict):
        close_round(actor=None, round=open_round_)
