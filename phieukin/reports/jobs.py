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
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.utils.text import slugify
from django.utils.translation import gettext as _

from phieukin.accounts.access import AccessDenied
from phieukin.core.errors import DomainError
from phieukin.jobs.models import Job, JobState
from phieukin.jobs.registry import Outcome, Part, Progress, register
from phieukin.reports import selectors
from phieukin.reports.services import (
    FORMATS,
    RoundReports,
    render_district_summary,
    render_leader_report,
)
from phieukin.rounds.models import Round, Subject

SET = "reports.round_set"
PART = "reports.round_set.part"
ASSEMBLE = "reports.round_set.assemble"
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


def register_kinds() -> None:
    register(SET, run_set, check=check_set)
    register(PART, run_part)
    register(ASSEMBLE, run_assemble)
