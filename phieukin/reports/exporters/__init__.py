"""Report exporters as registered classes: ``get_exporter("pdf")``, ``exporters()``.

Each exporter turns the report content (:mod:`phieukin.reports.content`) and its charts
into the bytes of one file format. Call them inside ``translation.override("vi")``
(:func:`phieukin.reports.services.render_leader_report` does).
"""

from __future__ import annotations

# Importing the modules registers their classes.
from phieukin.reports.exporters import docx, pdf, xlsx  # noqa: F401
from phieukin.reports.exporters.base import Exporter, exporters, get_exporter, register

__all__ = ["Exporter", "exporters", "get_exporter", "register"]
