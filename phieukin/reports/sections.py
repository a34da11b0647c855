"""Extra sections of a leader's report, provided by the apps above this one.

An app of the follow-through registers a provider in its ``AppConfig.ready``; the
leader's report page renders every section a provider returns, after the figures, and
the PDF, DOCX and XLSX files print each section's ``document`` (the same content as
formatted text, built in the document language). The report decides who may open it;
a provider adds only what those readers may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from phieukin.reports.content import ExtraSection
from phieukin.rounds.models import Subject


@dataclass(frozen=True)
class Section:
    """A template to include, its context (available to it as ``section``) and its text.

    *document* is what the PDF, DOCX and XLSX files print; None leaves the section out
    of the files.
    """

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    document: ExtraSection | None = None


Provider = Callable[[Subject], Section | None]
_PROVIDERS: list[Provider] = []


def register_leader_section(provider: Provider) -> None:
    """Add *provider* to the leader report's sections (once)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def leader_sections(subject: Subject) -> list[Section]:
    """Return the sections the registered providers give for *subject*."""
    return [s for s in (p(subject) for p in _PROVIDERS) if s is not None]


def leader_document_sections(subject: Subject) -> tuple[ExtraSection, ...]:
    """Return the sections the files of *subject*'s report print (call in the document language)."""
    return tuple(s.document for s in leader_sections(subject) if s.document is not None)
