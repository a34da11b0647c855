"""Recount published results from the public artefacts with the independent verifier."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from phieukin.ballots import selectors as ballot_selectors
from phieukin.core.errors import DomainError
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Round
from phieukin.tallying import selectors


def load_verifier() -> ModuleType:
    """Load ``tools/recount.py`` (stdlib only, no product import) from the source tree."""
    path = Path(settings.BASE_DIR) / "tools" / "recount.py"
    spec = importlib.util.spec_from_file_location("phieukin_tools_recount", path)
    if spec is None or spec.loader is None or not path.exists():
        raise CommandError(f"{path} is missing.")
    module = importlib.util.module_from_spec(spec)
    # Dataclasses resolve their annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class Command(BaseCommand):
    help = (
        "Recompute every published figure of a box or a round from its anonymised ballots "
        "(CSV export) and bulletins, with tools/recount.py; exit 1 on any difference. "
        "TARGET is box:ID, round:ID, or an id that names exactly one of them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="box:ID, round:ID or ID")
        parser.add_argument("--out", help="also write the artefacts checked into this folder")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._run(options["target"], options.get("out"))

    def _target(self, text: str) -> tuple[str, int]:
        kind, _sep, raw = text.rpartition(":")
        try:
            pk = int(raw)
        except ValueError:
            raise CommandError(_("Give box:ID, round:ID or an id.")) from None
        if kind in ("box", "round"):
            return kind, pk
        if kind:
            raise CommandError(_("Give box:ID, round:ID or an id."))
        is_box = BallotBox.objects.filter(pk=pk).exists()
        is_round = Round.objects.filter(pk=pk).exists()
        if is_box and is_round:
            raise CommandError(
                _("%(id)s is both a box and a round: write box:%(id)s or round:%(id)s.")
                % {"id": pk}
            )
        if not (is_box or is_round):
            raise CommandError(_("No box or round %(id)s.") % {"id": pk})
        return ("box" if is_box else "round"), pk

    def _run(self, target: str, out: str | None) -> None:
        kind, pk = self._target(target)
        verifier = load_verifier()
        if kind == "box":
            box = BallotBox.objects.filter(pk=pk).first()
            if box is None:
                raise CommandError(_("No box or round %(id)s.") % {"id": pk})
            boxes = [box]
            target_round = box.conference.round
            try:
                doc = selectors.box_tally_document(box)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        else:
            rnd = Round.objects.filter(pk=pk).first()
            if rnd is None:
                raise CommandError(_("No box or round %(id)s.") % {"id": pk})
            target_round = rnd
            boxes = list(
                BallotBox.objects.filter(
                    conference__round=rnd, state=BoxState.SEALED.value
                ).order_by("pk")
            )
            doc = selectors.round_tally_document(rnd)
        checked: list[Any] = []
        problems: list[str] = []
        skipped = 0
        folder = Path(out) if out else None
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "tally.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        for box in boxes:
            try:
                bulletin = ballot_selectors.bulletin(box)
                text = ballot_selectors.ballots_csv(box)
            except DomainError as exc:
                # Fewer than k valid ballots: nothing of the box is exported or shown.
                self.stdout.write(_("Box %(box)s: %(reason)s") % {"box": box.pk, "reason": exc})
                skipped += 1
                continue
            bulletin = json.loads(json.dumps(bulletin, ensure_ascii=False))
            _keys, rows = verifier.read_csv(text)
            problems.extend(verifier.check_bulletin(rows, bulletin))
            checked.append(verifier.box_of(rows, bulletin))
            if folder:
                (folder / f"box-{box.pk}-ballots.csv").write_text(text, "utf-8")
                (folder / f"box-{box.pk}-bulletin.json").write_text(
                    json.dumps(bulletin, ensure_ascii=False), "utf-8"
                )
        notes: list[str] = []
        problems.extend(verifier.check_tally(doc, checked, notes))
        # The stored snapshots that pages and files read must match the ballots too.
        problems.extend(selectors.check_snapshots(target_round))
        ballots = sum(len(b.rows) for b in checked)
        for note in notes:
            self.stdout.write(_("Not verifiable from the public export: %(note)s") % {"note": note})
        if problems:
            for problem in problems:
                self.stdout.write(_("DIFFERENCE: %(problem)s") % {"problem": problem})
            raise CommandError(
                _("%(count)s difference(s) found.") % {"count": len(problems)}, returncode=1
            )
        self.stdout.write(
            _(
                "Recount matches: %(boxes)s box(es), %(ballots)s ballots, "
                "%(skipped)s box(es) under k not exported."
            )
            % {"boxes": len(checked), "ballots": ballots, "skipped": skipped}
        )
