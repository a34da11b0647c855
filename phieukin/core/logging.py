"""Logging filter that keeps codes and receipts out of every log line.

The voting URL of a code slip carries the code in its query string; request logs
(``django.server``, gunicorn's access log) record the path with a time. The filter
removes query strings and anything after ``/v/`` or ``/r/`` from every record, so a log
never pairs a code or a receipt with a request time.
"""

from __future__ import annotations

import logging
import re

_SECRET_PATHS = re.compile(r"(/(?:v|r|vote|receipt)/)[^\s\"?]+")
_QUERY = re.compile(r"\?[^\s\"]*")


def redact(text: str) -> str:
    """Return *text* with query strings and secret path segments replaced."""
    text = _QUERY.sub("?[redacted]", text)
    return _SECRET_PATHS.sub(r"\1[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    """Rewrite the message and arguments of each record through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = ()
        # django.server attaches the request; drop it so no handler can format it later.
        if hasattr(record, "request"):
            record.request = None
        return True
