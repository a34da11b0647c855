"""Logs: no code, receipt or ballot id in any line the product's handlers write.

The adversary reads the server's logs (which carry request times) and knows roughly
when each person voted. Every logger is turned up to DEBUG and the product's own
``console`` handler (with its redaction filter) writes into a buffer while people vote
through the web form and the API, make mistakes, and hit error pages.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from phieukin.ballots import services
from phieukin.ballots.models import Ballot
from phieukin.rounds.models import BallotBox
from tests.adversarial.conftest import full_sheets
from tests.adversarial.test_dump import receipts_in, web_form

pytestmark = pytest.mark.django_db

LOGGERS = ["", "django", "django.server", "django.request", "django.db.backends", "phieukin"]


@pytest.fixture
def log_output(request: Any) -> Iterator[io.StringIO]:
    """Return the buffer the product's console handler writes to.

    Every logger is at DEBUG unless the test is marked ``configured_levels`` (then the
    levels of settings.LOGGING apply, plus django.request at DEBUG for 4xx lines).
    """
    root = logging.getLogger()
    handlers = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
    console = next(
        h for h in handlers if any(type(f).__name__ == "RedactSecretsFilter" for f in h.filters)
    )
    buffer = io.StringIO()
    previous_stream = console.setStream(buffer)
    console.setFormatter(
        logging.Formatter(
            "%(asctime)s %(name)s %(levelname)s %(message)s %(request)s", defaults={"request": ""}
        )
    )
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    configured = request.node.get_closest_marker("configured_levels") is not None
    for name in ["django.request"] if configured else LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        console.setFormatter(None)
        console.setStream(previous_stream)


def _secrets(box: BallotBox, codes: list[str], receipts: list[str]) -> set[str]:
    found = set(receipts)
    for code in codes:
        found |= {code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()}
    found |= {str(pk) for pk in Ballot.objects.filter(box=box).values_list("id", flat=True)}
    return found


def _api_ballot(box: BallotBox, code: str, comment: str = "") -> dict[str, Any]:
    return {
        "code": code,
        "sheets": [
            {"subject": str(s.subject_id), "answers": s.answers, "comment": s.comment}
            for s in full_sheets(box, 1, comment)
        ],
    }


def _vote_every_way(client: Client, box: BallotBox) -> tuple[list[str], list[str]]:
    services.open_box(actor=None, box=box)
    codes = services.generate_codes(actor=None, box=box, count=6)
    receipts: list[str] = []
    # The QR link, the form steps, the final POST.
    assert client.get(f"/v/{box.pk}/{codes[0]}/").status_code == 200
    review = web_form(box, codes[0], 0, "") | {"step": "review"}
    assert client.post(f"/v/{box.pk}/{codes[0]}/", review).status_code == 200
    done = client.post(f"/v/{box.pk}/{codes[0]}/", web_form(box, codes[0], 0, "good"))
    assert done.status_code == 201
    receipts += receipts_in(done.content.decode())
    # The code again: 409 on the web and on the API.
    assert client.post(f"/v/{box.pk}/", web_form(box, codes[0], 0, "")).status_code == 409
    assert (
        client.post(
            "/api/v1/ballots", _api_ballot(box, codes[0]), content_type="application/json"
        ).status_code
        == 409
    )
    api = client.post(
        "/api/v1/ballots", _api_ballot(box, codes[1]), content_type="application/json"
    )
    assert api.status_code == 201
    receipts += api.json()["receipts"]
    # A voting URL of a box that does not exist; a code of this box on another box's URL.
    assert client.get(f"/v/999999/{codes[2]}/").status_code == 404
    assert client.post("/v/999999/", {"code": codes[2]}).status_code == 404
    # A mistyped code (one symbol changed) and an incomplete ballot.
    wrong = codes[3][:-1] + ("0" if codes[3][-1] != "0" else "1")
    assert client.post(f"/v/{box.pk}/", {"code": wrong}).status_code == 400
    incomplete = client.post(f"/v/{box.pk}/", {"code": codes[4], "step": "submit"})
    assert incomplete.status_code == 400
    # Receipt lookup.
    client.post("/r/", {"receipt": receipts[0]})
    return codes, receipts


def _leaks(client: Client, box: BallotBox, log_output: io.StringIO) -> tuple[str, list[str]]:
    codes, receipts = _vote_every_way(client, box)
    # What runserver's request handler logs for the QR link (django.core.servers.basehttp).
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /v/{box.pk}/{codes[5]}/?src=qr HTTP/1.1", 200, 1234
    )
    text = log_output.getvalue()
    assert "Not Found" in text and "/v/[redacted]" in text  # the logs were captured
    return text, sorted(s for s in _secrets(box, codes, receipts) if s in text)


@pytest.mark.configured_levels
def test_request_logs_carry_no_code_receipt_or_ballot_id(
    client: Client, box: BallotBox, log_output: io.StringIO
) -> None:
    text, leaks = _leaks(client, box, log_output)
    assert not leaks, text


def test_debug_logs_of_every_logger_carry_no_code_receipt_or_ballot_id(
    client: Client, box: BallotBox, log_output: io.StringIO
) -> None:
    text, leaks = _leaks(client, box, log_output)
    assert "DEBUG" in text
    assert not leaks


def test_the_sql_debug_log_carries_no_receipt(
    client: Client, box: BallotBox, log_output: io.StringIO, settings: Any
) -> None:
    settings.DEBUG = True
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    connection.force_debug_cursor = True
    try:
        receipts = services.cast_ballot(code=code, sheets=full_sheets(box, 2, "sql-comment"))
    finally:
        connection.force_debug_cursor = False
    text = log_output.getvalue()
    assert "ballots_code" in text  # the SQL log was captured
    leaks = sorted(s for s in _secrets(box, [code], receipts) if s in text)
    assert not leaks and "sql-comment" not in text


def test_a_server_error_while_voting_logs_no_code(
    client: Client, box: BallotBox, log_output: io.StringIO, monkeypatch: Any
) -> None:
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]

    def broken(**kwargs: Any) -> list[str]:
        raise RuntimeError("storage failed")

    monkeypatch.setattr(services, "cast_ballot", broken)
    client.raise_request_exception = False
    response = client.post(f"/v/{box.pk}/{code}/", web_form(box, code, 0, ""))
    assert response.status_code == 500
    text = log_output.getvalue()
    assert "Internal Server Error" in text and "storage failed" in text
    assert not {code, code.replace("-", "")} & {w.strip('"/,') for w in text.split()}
    assert code not in text and code.replace("-", "") not in text


def test_the_gunicorn_access_log_of_production_carries_no_code(tmp_path: Any) -> None:
    """The access line gunicorn writes with deploy/gunicorn.conf.py for the QR link."""
    import datetime as dt
    import importlib.util
    import logging.config
    from pathlib import Path
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
    )
    assert spec is not None and spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf.access_log_format)
    cfg.set("logconfig_dict", conf.logconfig_dict)
    glog = Logger(cfg)
    buffer = io.StringIO()
    handler = logging.getLogger("gunicorn.access").handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(buffer)
    code = "ABCDEFGHJKMN"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/v/7/{code}/?src=qr",
        "PATH_INFO": f"/v/7/{code}/",
        "QUERY_STRING": "src=qr",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://phieukin.example/v/7/{code}/",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    try:
        glog.access(response, request, environ, dt.timedelta(milliseconds=12))
    finally:
        handler.setStream(previous)
        # gunicorn's Logger replaced the logging configuration: put the product's back.
        logging.config.dictConfig(django_settings.LOGGING)
    line = buffer.getvalue()
    assert "GET /v/[redacted]" in line  # the line was written
    assert code not in line and "203.0.113.9" not in line and "src=qr" not in line


def test_the_qr_link_keeps_the_code_out_of_what_servers_see(box: BallotBox, client: Client) -> None:
    from urllib.parse import urlsplit

    from phieukin.ballots.documents import voting_url

    code = services.generate_codes(actor=None, box=box, count=1)[0]
    url = voting_url(box, code)
    sent = urlsplit(url)
    seen_by_servers = sent.path + "?" + sent.query  # the fragment never leaves the browser
    assert code.replace("-", "") not in seen_by_servers.upper().replace("-", "")
