"""gunicorn configuration for the bench and for production.

Access lines carry no client address, no query string and no secret path: the format
uses ``%(U)s`` (path without query) and the access logger goes through
:class:`phieukin.core.logging.RedactSecretsFilter`, which replaces whatever follows
``/v/`` (voting URL with the code) and ``/r/``. Use: ``gunicorn -c deploy/gunicorn.conf.py
phieukin.config.wsgi``.
"""

import os

from gunicorn.http import wsgi as _gunicorn_wsgi

# No ``Server: gunicorn`` banner: gunicorn writes it unconditionally among its default
# headers, so drop that one line (this file runs in the master before workers fork).
_default_headers = _gunicorn_wsgi.Response.default_headers


def _headers_without_server_banner(self: _gunicorn_wsgi.Response) -> list[str]:
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


_gunicorn_wsgi.Response.default_headers = _headers_without_server_banner  # type: ignore[method-assign]

bind = os.environ.get("PHIEUKIN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PHIEUKIN_WORKERS", "2"))
threads = int(os.environ.get("PHIEUKIN_THREADS", "8"))
worker_class = "gthread"
timeout = 60
keepalive = 5
accesslog = os.environ.get("PHIEUKIN_ACCESS_LOG", "-") or None
# No %(h)s (client address), no %(r)s/%(q)s (request line with query string).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "phieukin.core.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
