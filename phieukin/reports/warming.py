"""Build a published round's report pages before anyone opens them.

A report page's first view draws its charts and builds its content (``pages.py``): about
a second for a leader's page on a loaded machine, many seconds for a province's summary.
At publication every reader comes at once, so the pages are built ahead of them, by the
same functions the views call, under the same keys: a later view is a cache hit.

Only content goes into the cache, never a decision: the views decide access before they
read the cache (``pages.py``), so a page built here is served to exactly the readers the
view lets in, and to nobody else. What is built:

* every page of the round's summary (``?page=``) and each commune's page (``?unit=``);
* each leader's report page (the part the view caches: figures, charts, disclosure);
* each leader's PDF (``pages.leader_file``), the file most readers download.

The work runs on the queue (``reports/jobs.py``: one part for the summary's pages, one per
few communes for their pages and leaders), queued when the publishing transaction commits;
``manage.py warm_reports`` runs it again. A failure is logged and changes nothing else:
the page is then built on its first view, as before.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import translation

from phieukin.jobs.registry import Progress
from phieukin.reports import pages
from phieukin.reports import summary_page as paging
from phieukin.reports.services import RoundReports
from phieukin.rounds.models import Conference, Round, Subject

# Files built ahead of the first reader: a leader's PDF (the DOCX and XLSX are rarer).
WARMED_FORMATS = ("pdf",)

_paused = threading.local()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Queue no warm-up for what is published inside the block (e.g. demo seeding)."""
    before = getattr(_paused, "value", False)
    _paused.value = True
    try:
        yield
    finally:
        _paused.value = before


def is_paused() -> bool:
    """Return whether warm-ups are paused in this thread (see :func:`paused`)."""
    return bool(getattr(_paused, "value", False))


def round_units(rnd: Round) -> list[int]:
    """Return the ids of the round's communes, in the order of the summary."""
    return list(
        Conference.objects.filter(round=rnd)
        .order_by("unit__sort_key", "pk")
        .values_list("unit_id", flat=True)
    )


def _noop(done: int, total: int, label: str) -> None:
    return None


def warm_summary(reports: RoundReports, progress: Progress = _noop) -> int:
    """Build every page of the round's summary (``?page=1…n``); return the pages built."""
    with translation.override(settings.LANGUAGE_CODE):
        count = len(reports.summary().wards)
        total = max(1, -(-count // paging.WARDS_PER_PAGE))
        for number in range(1, total + 1):
            pages.summary_page_content(reports, page=str(number), unit=None)
            progress(number, total, f"summary page {number}")
    return total


def warm_units(reports: RoundReports, unit_ids: Iterable[int], progress: Progress = _noop) -> int:
    """Build the summary's page of each commune and its leaders' pages and PDFs.

    Return how many pages and files were built (or found built already).
    """
    unit_ids = list(unit_ids)
    subjects = list(
        Subject.objects.filter(conference__round=reports.round, conference__unit_id__in=unit_ids)
        .select_related("conference__round", "conference__unit")
        .order_by("conference__unit__sort_key", "order")
    )
    total = len(unit_ids) + len(subjects) * (1 + len(WARMED_FORMATS))
    done = 0
    with translation.override(settings.LANGUAGE_CODE):
        for unit_id in unit_ids:
            pages.summary_page_content(reports, page=None, unit=str(unit_id))
            done += 1
            progress(done, total, f"commune {unit_id}")
        for subject in subjects:
            pages.leader_page_content(reports, subject)
            done += 1
            progress(done, total, f"leader {subject.pk}")
            for fmt in WARMED_FORMATS:
                pages.leader_file(reports, subject, fmt)
                done += 1
                progress(done, total, f"leader {subject.pk} {fmt}")
    return done


def warm_round(rnd: Round, progress: Progress = _noop) -> int:
    """Build every page and warmed file of *rnd* in this process; return how many."""
    reports = RoundReports(rnd)
    return warm_summary(reports, progress) + warm_units(reports, round_units(rnd), progress)
