"""Which rows of a read copy a person decides.

The reader reads each page alone; a copy (all pages of one printed ballot) goes to a
person as a whole when anything on it is doubtful. That person checks the copy against
the paper sheet, and on such a copy every row read as "no answer" is asked too, never
assumed. The marks the reader can miss are at the paper's grain: very light pencil
ticks keeping 1–2 % of depth, on crumpled, skewed and phone-photographed pages, which
are the pages with other doubts. No rule on a box's darkness parts them from the grain
of blank boxes without sending far more copies to a person; asking every unanswered
row of a copy a person holds anyway costs one digit a row and no further copy.

Used by the scan service (``paper.scanning``) and by the benchmarks, so that what they
count is what the product does. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping

# Why an unanswered row of a reviewed copy is asked (``ReviewCrop.reason``).
NO_MARK_FOUND = "no_mark_found"


def rows_to_ask(statuses: Mapping[str, str], *, person_looks: bool = False) -> set[str]:
    """Return the items of a whole copy that a person decides.

    *statuses* maps each item read on the copy to ``marked``, ``empty`` or
    ``ambiguous``; *person_looks* is True when the copy goes to a person for another
    reason (a handwritten comment to transcribe). None when nothing is doubtful and no
    person looks: the copy goes into the box as read. Otherwise the doubtful items and
    every item read as ``empty``.
    """
    doubtful = {key for key, status in statuses.items() if status == "ambiguous"}
    if not doubtful and not person_looks:
        return set()
    return doubtful | {key for key, status in statuses.items() if status == "empty"}
