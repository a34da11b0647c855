"""Logging filter that keeps codes, receipts, ballot ids and SQL values out of every log.

The adversary of the secret ballot reads the server's logs, which carry times. The filter
therefore rewrites every record before any handler formats it:

- query strings and whatever follows ``/v/`` or ``/r/`` (the voting URL carries the code);
- anything shaped like a voting code (12 Crockford symbols, with or without dashes), a
  receipt (16 symbols in groups of four) or a random ballot id (an integer of 15 digits
  or more) — whatever the logger, including in tracebacks;
- SQL records (``django.db.backends``): only the tables named are kept; the statement
  and its parameters, which hold answers, comments and receipts, are dropped;
- template-resolution records (``django.template``): their traceback carries the whole
  template context (a voter's code, receipts, comments) and is dropped.
"""

from __future__ import annotations

import logging
import re

_SECRET_PATHS = re.compile(r"(/(?:v|r|vote|receipt)/)[^\s\"?]+")
_QUERY = re.compile(r"\?[^\s\"]*")
_CROCKFORD = "0-9A-HJKMNP-TV-Za-hjkmnp-tv-z"
_RECEIPT = re.compile(rf"(?<![{_CROCKFORD}])(?:[{_CROCKFORD}]{{4}}-){{3}}[{_CROCKFORD}]{{4}}")
_CODE = re.compile(
    rf"(?<![{_CROCKFORD}-])(?:[{_CROCKFORD}]{{4}}-?){{2}}[{_CROCKFORD}]{{4}}(?![{_CROCKFORD}])"
)
_LONG_INTEGER = re.compile(r"(?<!\d)\d{15,}(?!\d)")
_SQL_TABLE = re.compile(r"(?:FROM|INTO|UPDATE|JOIN)\s+[\"`]?([A-Za-z_][A-Za-z0-9_]*)", re.I)


def redact(text: str) -> str:
    """Return *text* with secret paths, query strings, codes, receipts and ids replaced."""
    text = _QUERY.sub("?[redacted]", text)
    text = _SECRET_PATHS.sub(r"\1[redacted]", text)
    text = _RECEIPT.sub("[redacted]", text)
    text = _CODE.sub("[redacted]", text)
    return _LONG_INTEGER.sub("[redacted]", text)


def _sql_summary(record: logging.LogRecord) -> str:
    sql = str(getattr(record, "sql", "") or record.getMessage())
    tables = sorted(set(_SQL_TABLE.findall(sql)))
    duration = getattr(record, "duration", None)
    timing = f"({duration:.3f}) " if isinstance(duration, float) else ""
    return f"{timing}SQL on {', '.join(tables) or 'no table'} [statement redacted]"


class RedactSecretsFilter(logging.Filter):
    """Rewrite each record so that no handler can write a secret (see the module doc)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.db.backends"):
            message = _sql_summary(record)
            for attribute in ("sql", "params"):
                if hasattr(record, attribute):
                    setattr(record, attribute, "[redacted]")
        else:
            message = redact(record.getMessage())
        if record.exc_info:
            if record.name.startswith("django.template"):
                message += " [traceback with the template context redacted]"
            else:
                formatter = logging.Formatter()
                message += "\n" + redact(formatter.formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = None
        record.msg = message
        record.args = ()
        # django.server and django.request attach the request; drop it so no handler can
        # format its path or headers later.
        if hasattr(record, "request"):
            record.request = None
        return True
