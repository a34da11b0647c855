"""A round's report set as background work, split into parts that workers run in parallel.

The set job fans out one part for the district summary and one part per ward (every
leader's report in every format; a few wards a part when a round has more than
``MAX_PARTS`` wards); each part stores a ZIP of its files, and the part that finishes last
assembles them into one ZIP for the user to download.

Small parts keep every worker busy to the end: with parts of four wards a province of 22
wards made 7 parts, and 2 workers could at best finish in 4 part-times (1.75×). The
summary, the longest part, is queued first so that it does not start last.
"""

from __future__ import annotations

import io
import logging
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from phieukin.accounts.access import AccessDenied
from phieukin.core.errors import DomainError
from phieukin.jobs.models import Job, JobState
from phieukin.jobs.registry import Outcome, Part, Progress, register
from phieukin.jobs.services import enqueue
from phieukin.reports import selectors, warming
from phieukin.reports.services import (
    FORMATS,
    RoundReports,
    render_district_summary,
    render_leader_report,
)
from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import BallotBox, Round, Subject

logger = logging.getLogger(__name__)

SET = "reports.round_set"
PART = "reports.round_set.part"
ASSEMBLE = "reports.round_set.assemble"
WARM = "reports.warm_pages"
WARM_PART = "reports.warm_pages.part"
WARM_DONE = "reports.warm_pages.done"
MAX_PARTS = 48  # beyond this many wards, several wards a part (each part reads the tally)


def _round(params: dict[str, Any]) -> Round:
    rnd = Round.objects.filter(pk=int(params.get("round") or 0)).first()
    if rnd is None:
        raise DomainError(_("The round no longer exists."), code="not_found")
    return rnd


def _formats(params: dict[str, Any]) -> list[str]:
    formats = [f for f in params.get("formats", FORMATS) if f in FORMATS]
    if not formats:
        raise DomainError(_("Choose at least one format."), code="bad_formats")
    return formats


def check_set(actor: Any, params: dict[str, Any]) -> None:
    """Refuse unless *actor* may open the round's summary (and so every report)."""
    if actor is not None and not selectors.can_open_summary(actor, _round(params)):
        raise AccessDenied(_("You may not render this round's reports."), code="forbidden")
    _formats(params)


def run_set(job: Job, progress: Progress) -> Outcome:
    """Split the round's reports into parts of a few wards each, plus the summary."""
    rnd = _round(job.params)
    wards = list(
        Subject.objects.filter(conference__round=rnd)
        .order_by("conference__unit__sort_key")
        .values_list("conference__unit_id", flat=True)
        .distinct()
    )
    wards = list(dict.fromkeys(wards))
    size = wards_per_part(len(wards))
    parts = [Part(PART, {**job.params, "summary": True})]
    parts += [
        Part(PART, {**job.params, "wards": wards[i : i + size]}) for i in range(0, len(wards), size)
    ]
    return Outcome(parts=tuple(parts), assemble=ASSEMBLE)


def wards_per_part(wards: int) -> int:
    """Return how many wards' reports one part renders: 1, or more past ``MAX_PARTS``."""
    return max(1, -(-wards // MAX_PARTS))


def run_part(job: Job, progress: Progress) -> Outcome:
    """Render one part's files into a ZIP."""
    rnd = _round(job.params)
    formats = _formats(job.params)
    reports = RoundReports(rnd)
    buffer = io.BytesIO()
    # PDF, DOCX and XLSX are compressed already: stored, not deflated a second time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        if job.params.get("summary"):
            for n, fmt in enumerate(formats, 1):
                rendered = render_district_summary(round=rnd, fmt=fmt, reports=reports)
                archive.writestr(rendered.filename, rendered.data)
                progress(n, len(formats), rendered.filename)
        else:
            subjects = list(
                Subject.objects.filter(
                    conference__round=rnd, conference__unit_id__in=job.params.get("wards", [])
                )
                .select_related("conference__round", "conference__unit")
                .order_by("conference__unit__sort_key", "order")
            )
            total = len(subjects) * len(formats)
            done = 0
            for subject in subjects:
                for fmt in formats:
                    rendered = render_leader_report(subject=subject, fmt=fmt, reports=reports)
                    archive.writestr(rendered.filename, rendered.data)
                    done += 1
                    progress(done, total, rendered.filename)
    return Outcome(data=buffer.getvalue(), filename="part.zip")


def run_assemble(job: Job, progress: Progress) -> Outcome:
    """Merge the parts' ZIPs into the round's one ZIP."""
    rnd = _round(job.params)
    parts = list(job.parts.filter(state=JobState.DONE).order_by("created_at"))
    with tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024) as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as archive:
            for part in parts:
                with (
                    default_storage.open(part.result, "rb") as handle,
                    zipfile.ZipFile(handle) as piece,
                ):
                    for name in piece.namelist():
                        archive.writestr(name, piece.read(name))
                default_storage.delete(part.result)
        spool.seek(0)
        data = spool.read()
    name = f"{slugify(rnd.title) or 'dot'}-bao-cao.zip"
    return Outcome(data=data, filename=name)


def render_set_to(folder: Path, data: bytes) -> list[Path]:
    """Unpack a finished set's ZIP into *folder* (for the command line)."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
        return [folder / name for name in archive.namelist()]


# --- The warm-up of a published round's pages ------------------------------------------


def check_warm(actor: Any, params: dict[str, Any]) -> None:
    """Refuse unless *actor* may open the round's summary (the command line may)."""
    if actor is not None and not selectors.can_open_summary(actor, _round(params)):
        raise AccessDenied(_("You may not prepare this round's reports."), code="forbidden")


def run_warm(job: Job, progress: Progress) -> Outcome:
    """Split the warm-up into the summary's pages and parts of a few communes each."""
    units = warming.round_units(_round(job.params))
    size = wards_per_part(len(units))
    parts = [Part(WARM_PART, {**job.params, "summary": True})]
    parts += [
        Part(WARM_PART, {**job.params, "units": units[i : i + size]})
        for i in range(0, len(units), size)
    ]
    return Outcome(parts=tuple(parts), assemble=WARM_DONE)


def run_warm_part(job: Job, progress: Progress) -> Outcome:
    """Build one part's pages (and files) into the pages cache."""
    reports = RoundReports(_round(job.params))
    if job.params.get("summary"):
        warming.warm_summary(reports, progress)
    else:
        warming.warm_units(reports, [int(u) for u in job.params.get("units", [])], progress)
    return Outcome()


def run_warm_done(job: Job, progress: Progress) -> Outcome:
    """Close the warm-up: its parts put everything in the cache; there is no file."""
    return Outcome()


def warm_params(round_id: int) -> dict[str, Any]:
    """Return the warm-up job's parameters, with the title its page shows."""
    title = Round.objects.filter(pk=round_id).values_list("title", flat=True).first() or ""
    with translation.override(settings.LANGUAGE_CODE):
        label = _("Report pages of %(round)s prepared in advance") % {"round": title}
    return {"round": round_id, "title": label}


def queue_warm_up(round_id: int) -> Job | None:
    """Queue the warm-up of the round's pages; log a warning and return None on failure.

    Never raises: the pages are then built on their first view, as without a warm-up.
    """
    try:
        return enqueue(actor=None, kind=WARM, params=warm_params(round_id))
    except Exception:
        logger.warning(
            "the warm-up of round %s's report pages could not be queued; "
            "they will be built on their first view",
            round_id,
            exc_info=True,
        )
        return None


def _warm_after_commit(round_id: int) -> None:
    if warming.is_paused() or not getattr(settings, "PHIEUKIN_WARM_REPORTS", True):
        return
    # Queued once the publication (or the seal) is committed: the job reads what it
    # changed, and a failure to queue cannot undo it.
    transaction.on_commit(lambda: queue_warm_up(round_id))


def warm_published_round(rnd: Round) -> None:
    """Queue the warm-up of *rnd*'s pages when its publication commits (a hook receiver)."""
    _warm_after_commit(rnd.pk)


def warm_after_late_seal(box: BallotBox) -> None:
    """Queue the warm-up again when a box is sealed into a published round (its tally and
    so its pages change)."""
    rnd = Round.objects.only("state").get(pk=box.conference.round_id)
    if rnd.state == RoundState.PUBLISHED.value:
        _warm_after_commit(rnd.pk)


def register_kinds() -> None:
    register(SET, run_set, check=check_set)
    register(PART, run_part)
    register(ASSEMBLE, run_assemble)
    register(WARM, run_warm, check=check_warm)
    register(WARM_PART, run_warm_part)
    register(WARM_DONE, run_warm_done)
