"""The ``tally`` and ``recount`` commands and the standalone ``tools/recount.py``.

Boxes are sealed with the ballots app's own ``seal_box`` so the bulletin, the digest and
the CSV export are the product's real artefacts.
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from phieukin.ballots import digest
from phieukin.ballots import selectors as ballot_selectors
from phieukin.ballots.models import Ballot
from phieukin.ballots.services import seal_box
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, RespondentGroup, Round
from phieukin.tallying.selectors import box_tally_document
from phieukin.tallying.tests.conftest import MakeBallots, subjects_of

SCRIPT = Path(settings.BASE_DIR) / "tools" / "recount.py"
MIXED = "0123" * 5 + "4"
ALT = "1230" * 5 + "-"
GOOD = "0" * 20 + "-"
# Differs from MIXED on every item (the last one included): no item of theirs is unanimous.
OTHER = "1032" * 5 + "3"


@pytest.fixture
def sealed_round(open_round_: Round, make_ballots: MakeBallots) -> Round:
    """Return the round with its three boxes filled and sealed through ``seal_box``."""
    groups = list(RespondentGroup.objects.filter(round=open_round_).order_by("order"))
    for n, subject in enumerate(subjects_of(open_round_)):
        make_ballots(subject, 3 + n, answers=MIXED, group=groups[0], comment="Góp ý", pending=True)
        make_ballots(subject, 3, answers=ALT, group=groups[0], pending=True)
        make_ballots(subject, 3, answers=GOOD, group=groups[1], pending=True)
        make_ballots(subject, 2, answers=ALT, group=groups[1], pending=True)
        make_ballots(subject, 2, answers=GOOD, group=groups[2], valid=False, pending=True)
    for box in BallotBox.objects.filter(conference__round=open_round_):
        BallotBox.objects.filter(pk=box.pk).update(state=BoxState.CLOSED.value)
        seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return open_round_


def first_box(rnd: Round) -> BallotBox:
    return BallotBox.objects.filter(conference__round=rnd).order_by("conference__unit__sort_key")[0]


def test_tally_prints_the_district_summary_in_vietnamese(sealed_round: Round) -> None:
    out = io.StringIO()
    call_command("tally", str(sealed_round.pk), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert sealed_round.title in text
    assert "Toàn địa bàn" in text
    assert "Điểm BQ" in text
    assert first_box(sealed_round).conference.unit.name in text


def test_tally_shows_a_progress_bar_when_asked(sealed_round: Round) -> None:
    err = io.StringIO()
    call_command("tally", str(sealed_round.pk), "--progress", stdout=io.StringIO(), stderr=err)
    assert "3/3" in err.getvalue()


def test_recount_of_an_untouched_box_and_round_matches(sealed_round: Round) -> None:
    out = io.StringIO()
    call_command("recount", f"box:{first_box(sealed_round).pk}", stdout=out)
    assert "khớp" in out.getvalue().lower()
    # A group bucket of 2 invalid ballots keeps every group out of the CSV: the published
    # group cells are named as not verifiable, not as differences.
    assert "cột nhóm để trống" in out.getvalue()
    out = io.StringIO()
    call_command("recount", f"round:{sealed_round.pk}", stdout=out)
    assert "3 hòm" in out.getvalue()


def test_recount_fails_when_a_sealed_ballot_was_changed_behind_the_products_back(
    sealed_round: Round,
) -> None:
    box = first_box(sealed_round)
    ballot = Ballot.objects.filter(box=box, valid=True).order_by("pk").first()
    assert ballot is not None
    Ballot.objects.filter(pk=ballot.pk).update(answers="3" * 21)
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("recount", f"box:{box.pk}", stdout=out)
    assert caught.value.returncode == 1
    assert "Merkle" in out.getvalue()


def test_recount_refuses_an_unknown_target(sealed_round: Round) -> None:
    with pytest.raises(CommandError):
        call_command("recount", "box:999999", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("recount", "hom:1", stdout=io.StringIO())


def _write_artefacts(box: BallotBox, folder: Path) -> list[str]:
    (folder / "tally.json").write_text(
        json.dumps(box_tally_document(box), ensure_ascii=False), "utf-8"
    )
    (folder / "ballots.csv").write_text(ballot_selectors.ballots_csv(box), "utf-8")
    (folder / "bulletin.json").write_text(
        json.dumps(ballot_selectors.bulletin(box), ensure_ascii=False), "utf-8"
    )
    return [
        "--tally",
        str(folder / "tally.json"),
        "--box",
        str(folder / "ballots.csv"),
        str(folder / "bulletin.json"),
    ]


def _script(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )


def test_the_standalone_script_agrees_with_the_products_own_export(
    sealed_round: Round, tmp_path: Path
) -> None:
    args = _write_artefacts(first_box(sealed_round), tmp_path)
    result = _script(args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Khớp" in result.stdout


def test_the_standalone_script_catches_a_changed_published_figure(
    sealed_round: Round, tmp_path: Path
) -> None:
    args = _write_artefacts(first_box(sealed_round), tmp_path)
    doc: dict[str, Any] = json.loads((tmp_path / "tally.json").read_text("utf-8"))
    subject = doc["ward"]["subjects"][0]["total"]["figures"]
    item = next(i for i in subject["items"] if not i["banded"])
    item["options"][0]["count"] += 1
    (tmp_path / "tally.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "SAI LỆCH" in result.stdout


def test_the_standalone_script_catches_a_dropped_ballot(
    sealed_round: Round, tmp_path: Path
) -> None:
    args = _write_artefacts(first_box(sealed_round), tmp_path)
    lines = (tmp_path / "ballots.csv").read_text("utf-8").splitlines(keepends=True)
    (tmp_path / "ballots.csv").write_text("".join(lines[:-1]), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "Merkle" in result.stdout


def test_the_standalone_script_catches_a_figure_shown_under_k(
    sealed_round: Round, tmp_path: Path
) -> None:
    args = _write_artefacts(first_box(sealed_round), tmp_path)
    doc: dict[str, Any] = json.loads((tmp_path / "tally.json").read_text("utf-8"))
    doc["rules"]["k"] = 50
    (tmp_path / "tally.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "dưới ngưỡng" in result.stdout


def test_the_standalone_script_imports_only_the_standard_library() -> None:
    tree = ast.parse(SCRIPT.read_text("utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert modules
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}


def test_tally_of_a_round_with_nothing_sealed_says_the_boxes_are_left_out(
    open_round_: Round,
) -> None:
    out = io.StringIO()
    call_command("tally", str(open_round_.pk), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "3 hòm phiếu chưa niêm phong không được tính." in text
    assert "chưa công bố cho đến khi tất cả hòm phiếu" in text


def test_the_standalone_script_recounts_a_whole_round_written_by_the_command(
    sealed_round: Round, tmp_path: Path
) -> None:
    call_command(
        "recount", f"round:{sealed_round.pk}", "--out", str(tmp_path), stdout=io.StringIO()
    )
    args = ["--tally", str(tmp_path / "tally.json")]
    for box in BallotBox.objects.filter(conference__round=sealed_round):
        args += [
            "--box",
            str(tmp_path / f"box-{box.pk}-ballots.csv"),
            str(tmp_path / f"box-{box.pk}-bulletin.json"),
        ]
    result = _script(args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 hòm" in result.stdout
    doc = json.loads((tmp_path / "tally.json").read_text("utf-8"))
    valid = Ballot.objects.filter(box__conference__round=sealed_round, valid=True).count()
    assert doc["district"]["figures"]["ballots"] == valid
    # Leaving one box out must be noticed: the district no longer adds up.
    result = _script(args[:-3])
    assert result.returncode == 1


@pytest.fixture
def withheld_box(open_round_: Round, make_ballots: MakeBallots) -> BallotBox:
    """Seal the first box: leader A has 6 + 3 ballots of two groups, B 2 invalid ones.

    Leader A's answers are unanimous on no item, so the tally shows it un-banded.
    """
    groups = list(RespondentGroup.objects.filter(round=open_round_).order_by("order"))
    box = first_box(open_round_)
    first, second = [s for s in subjects_of(open_round_) if s.conference_id == box.conference_id][
        :2
    ]
    make_ballots(first, 3, answers=MIXED, group=groups[0], pending=True)
    make_ballots(first, 3, answers=OTHER, group=groups[0], pending=True)
    make_ballots(first, 3, answers=ALT, group=groups[1], pending=True)
    make_ballots(second, 2, answers=GOOD, valid=False, pending=True)
    BallotBox.objects.filter(pk=box.pk).update(state=BoxState.CLOSED.value)
    seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return BallotBox.objects.get(pk=box.pk)


def test_the_standalone_script_recounts_a_box_with_withheld_rows(
    withheld_box: BallotBox, tmp_path: Path
) -> None:
    args = _write_artefacts(withheld_box, tmp_path)
    rows = (tmp_path / "ballots.csv").read_text("utf-8").splitlines()[1:]
    assert sum(row.split(",", 1)[1].strip(",") == "" for row in rows) == 2
    result = _script(args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Khớp" in result.stdout
    assert "2 dòng phiếu bị giữ lại" in result.stdout
    # The ward total covers the 2 withheld rows: named, not counted as a difference.
    assert "KHÔNG KIỂM ĐƯỢC TỪ BẢN CÔNG KHAI" in result.stdout
    assert "SAI LỆCH" not in result.stdout


def test_the_standalone_script_fails_when_a_withheld_leaf_is_altered(
    withheld_box: BallotBox, tmp_path: Path
) -> None:
    args = _write_artefacts(withheld_box, tmp_path)
    lines = (tmp_path / "ballots.csv").read_text("utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if i and line.split(",")[1] == "")
    leaf = lines[number][:64]
    lines[number] = ("0" if leaf[0] != "0" else "1") + lines[number][1:]
    (tmp_path / "ballots.csv").write_text("".join(lines), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "Merkle" in result.stdout


def test_the_standalone_script_fails_when_a_released_row_disagrees_with_its_leaf(
    withheld_box: BallotBox, tmp_path: Path
) -> None:
    args = _write_artefacts(withheld_box, tmp_path)
    lines = (tmp_path / "ballots.csv").read_text("utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if i and line.split(",")[1] != "")
    cells = lines[number].split(",")
    cells[0] = "f" * 64
    lines[number] = ",".join(cells)
    (tmp_path / "ballots.csv").write_text("".join(lines), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "cột leaf" in result.stdout


def test_the_standalone_script_flags_figures_published_for_a_withheld_leader(
    withheld_box: BallotBox, tmp_path: Path
) -> None:
    args = _write_artefacts(withheld_box, tmp_path)
    doc: dict[str, Any] = json.loads((tmp_path / "tally.json").read_text("utf-8"))
    subjects = doc["ward"]["subjects"]
    shown = next(s for s in subjects if s["total"].get("figures"))
    hidden = next(s for s in subjects if not s["total"].get("figures"))
    hidden["total"] = {**shown["total"], "key": hidden["total"]["key"]}
    (tmp_path / "tally.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "bị giữ lại" in result.stdout


def test_recount_command_names_what_the_public_export_cannot_verify(
    withheld_box: BallotBox,
) -> None:
    out = io.StringIO()
    call_command("recount", f"box:{withheld_box.pk}", stdout=out)
    text = out.getvalue()
    assert "KHÔNG KIỂM ĐƯỢC TỪ BẢN CÔNG KHAI" in text
    assert "khớp" in text.lower()


def test_the_standalone_script_says_it_cannot_check_a_bulletin_of_another_format(
    withheld_box: BallotBox, tmp_path: Path
) -> None:
    args = _write_artefacts(withheld_box, tmp_path)
    bulletin = json.loads((tmp_path / "bulletin.json").read_text("utf-8"))
    assert bulletin["format"] == "phieukin-seal-v3"
    assert "groups_root" not in bulletin
    bulletin["format"] = "phieukin-seal-v2"
    (tmp_path / "bulletin.json").write_text(json.dumps(bulletin, ensure_ascii=False), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "phieukin-seal-v2" in result.stdout


@pytest.fixture
def banded_box(open_round_: Round, make_ballots: MakeBallots) -> BallotBox:
    """Seal the first box: leader A has 6 varied ballots, B 6 identical ones (banded)."""
    box = first_box(open_round_)
    first, second = [s for s in subjects_of(open_round_) if s.conference_id == box.conference_id][
        :2
    ]
    make_ballots(first, 3, answers=MIXED, pending=True)
    make_ballots(first, 3, answers=OTHER, pending=True)
    make_ballots(second, 6, answers=MIXED, pending=True)
    BallotBox.objects.filter(pk=box.pk).update(state=BoxState.CLOSED.value)
    seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return BallotBox.objects.get(pk=box.pk)


def test_the_standalone_script_recounts_a_box_whose_banded_leaders_are_withheld(
    banded_box: BallotBox, tmp_path: Path
) -> None:
    args = _write_artefacts(banded_box, tmp_path)
    doc: dict[str, Any] = json.loads((tmp_path / "tally.json").read_text("utf-8"))
    assert any(i["banded"] for s in doc["ward"]["subjects"] for i in s["total"]["figures"]["items"])
    rows = (tmp_path / "ballots.csv").read_text("utf-8").splitlines()[1:]
    assert len(rows) == 12
    assert all(row.split(",", 1)[1].strip(",") == "" for row in rows)  # leaves only
    result = _script(args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "12 dòng phiếu bị giữ lại" in result.stdout
    assert "trình bày theo khoảng" in result.stdout
    assert "SAI LỆCH" not in result.stdout


def test_the_standalone_script_flags_a_withheld_leader_published_without_bands(
    banded_box: BallotBox, tmp_path: Path
) -> None:
    args = _write_artefacts(banded_box, tmp_path)
    doc: dict[str, Any] = json.loads((tmp_path / "tally.json").read_text("utf-8"))
    for subject in doc["ward"]["subjects"]:
        for item in subject["total"]["figures"]["items"]:
            item["banded"] = False
    (tmp_path / "tally.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert "có phiếu bị giữ lại" in result.stdout


def test_the_standalone_script_counts_people_not_sheets_against_k(
    sealed_round: Round, tmp_path: Path
) -> None:
    box = first_box(sealed_round)
    args = _write_artefacts(box, tmp_path)
    doc: dict[str, Any] = json.loads((tmp_path / "tally.json").read_text("utf-8"))
    ward = doc["ward"]["total"]
    most = max(s["total"]["figures"]["ballots"] for s in doc["ward"]["subjects"])
    # A k between the ward's people (its most-rated leader) and its sheets: the ward's
    # published figures cover enough sheets but too few people.
    assert most + 1 < ward["figures"]["ballots"]
    doc["rules"]["k"] = most + 1
    (tmp_path / "tally.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = _script(args)
    assert result.returncode == 1
    assert f"{ward['key']}: công bố số liệu về {most} người, dưới ngưỡng" in result.stdout


def _rewrite_bulletin(folder: Path, counts: dict[str, Any]) -> None:
    """Give the bulletin new counts and the digest the product would have sealed them with."""
    bulletin = json.loads((folder / "bulletin.json").read_text("utf-8"))
    bulletin["counts"].update(counts)
    bulletin["digest"] = digest.bulletin_digest(
        bulletin["ballots_root"], bulletin["receipts_root"], bulletin["counts"]
    )
    (folder / "bulletin.json").write_text(json.dumps(bulletin, ensure_ascii=False), "utf-8")


def test_the_standalone_script_checks_that_the_scan_reader_figures_hold_together(
    sealed_round: Round, tmp_path: Path
) -> None:
    args = _write_artefacts(first_box(sealed_round), tmp_path)
    figures = {
        "spot_copies": 2,
        "spot_items": 42,
        "spot_differences": 1,
        "spot_copies_differing": 1,
        "reviewed_items": 30,
        "corrected": 2,
    }
    _rewrite_bulletin(tmp_path, {"ballots_scanned": 5, "scan_checks": figures})
    result = _script(args)
    assert result.returncode == 0, result.stdout + result.stderr
    # More sheets differing than differences, more corrections than items confirmed, and
    # more sheets checked than scanned: each is named, although the digest matches.
    wrong = figures | {"spot_copies_differing": 2, "corrected": 31, "spot_copies": 6}
    _rewrite_bulletin(tmp_path, {"ballots_scanned": 5, "scan_checks": wrong})
    result = _script(args)
    assert result.returncode == 1
    assert "spot_copies_differing = 2 lớn hơn spot_differences = 1" in result.stdout
    assert "corrected = 31 lớn hơn reviewed_items = 30" in result.stdout
    assert "6 phiếu được kiểm tra, nhưng bản tin chỉ ghi 5 phiếu quét" in result.stdout
