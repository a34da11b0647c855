"""The HTTP API: voting, errors in Vietnamese, bulletin, export, admin with tokens."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from phieukin.accounts.models import ApiToken
from phieukin.api.auth import create_api_token, token_digest
from phieukin.ballots import services
from phieukin.ballots.models import Ballot, Code, PendingBallot
from phieukin.ballots.tests.conftest import full_sheets
from phieukin.rounds.models import BallotBox
from phieukin.testing.rawkeys import RAW_KEY


def _payload(code: str, sheets: list[Any]) -> dict[str, Any]:
    return {
        "code": code,
        "sheets": [
            {"subject": str(s.subject_id), "answers": s.answers, "comment": s.comment}
            for s in sheets
        ],
    }


def _post(client: Client, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/ballots", data, content_type="application/json")


def test_the_openapi_document_lists_the_contract(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/boxes/{box}",
        "/api/v1/ballots",
        "/api/v1/boxes/{box}/bulletin",
        "/api/v1/boxes/{box}/ballots.csv",
        "/api/v1/boxes/{box}/tally",
    ):
        assert path in paths


def test_the_box_definition_lists_leaders_items_and_options(
    client: Client, open_box_: BallotBox
) -> None:
    data = client.get(f"/api/v1/boxes/{open_box_.pk}").json()
    assert len(data["subjects"]) == open_box_.conference.subjects.count() >= 1
    assert data["items"][0]["key"] == "nd01"
    assert {"key": "tot", "label": "Tốt"} in data["items"][0]["options"]
    assert data["rules"]["k"] == open_box_.conference.round.k_threshold


def test_a_ballot_is_cast_then_the_code_is_used(
    client: Client, box_codes: list[str], sheets: Any
) -> None:
    response = _post(client, _payload(box_codes[0], sheets(1, "ý kiến")))
    assert response.status_code == 201
    assert len(response.json()["receipts"]) == len(sheets())
    # The route builds its answer itself; it is the documented ReceiptsOut, exactly.
    from phieukin.api.schemas import ReceiptsOut

    assert response["Content-Type"].startswith("application/json")
    assert ReceiptsOut.model_validate(response.json()).model_dump() == response.json()
    spec = client.get("/api/v1/openapi.json").json()
    documented = spec["paths"]["/api/v1/ballots"]["post"]["responses"]["201"]
    assert documented["content"]["application/json"]["schema"]["$ref"].endswith("/ReceiptsOut")
    again = _post(client, _payload(box_codes[0], sheets()))
    assert again.status_code == 409
    assert again.json()["detail"] == "Mã phiếu này đã được sử dụng."


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ("{not json", 400, "không đúng định dạng"),
        ({"code": 5}, 400, "không đúng định dạng"),
        ({"code": "ABC", "sheets": []}, 400, "Mã không hợp lệ"),
        ({"code": "ABCD-EFGH-JKMN", "sheets": []}, 400, "Mã không hợp lệ"),
    ],
)
def test_bad_input_gets_a_clear_vietnamese_4xx(
    client: Client, box_codes: list[str], body: Any, status: int, words: str
) -> None:
    response = _post(client, body)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert not PendingBallot.objects.exists()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda p: p["sheets"][0].update(subject="99999999"), "Người được góp ý"),
        (lambda p: p["sheets"][0].update(subject="abc"), "Người được góp ý"),
        (
            lambda p: p["sheets"][0]["answers"].update(zz01="tot"),
            "nội dung không có trên phiếu này",
        ),
        (
            lambda p: p["sheets"][0]["answers"].update(nd01="xuat_sac"),
            "nội dung số 1 không thuộc các phương án",
        ),
        (lambda p: p["sheets"][0]["answers"].pop("nd02"), "còn thiếu nội dung số 2"),
        (lambda p: p["sheets"][0].update(comment="x" * 100000), "quá dài"),
        (lambda p: p["sheets"].pop(), "một tờ cho mỗi"),
    ],
)
def test_bad_sheets_are_refused_with_a_vietnamese_message_and_nothing_stored(
    client: Client, box_codes: list[str], sheets: Any, change: Any, words: str
) -> None:
    payload = _payload(box_codes[0], sheets())
    change(payload)
    response = _post(client, payload)
    assert response.status_code == 400
    assert words in response.json()["detail"], response.json()
    assert not RAW_KEY.search(response.json()["detail"]), "no key or option key is echoed"
    assert "xuat_sac" not in response.json()["detail"]
    assert not PendingBallot.objects.exists()
    assert not Code.objects.filter(state="used").exists()


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\udbff tốt"])
def test_half_a_surrogate_pair_in_a_comment_is_malformed_and_nothing_is_stored(
    client: Client, box_codes: list[str], sheets: Any, escape: str
) -> None:
    # JSON's \\u escapes can spell a string no encoding can write (it broke the sheet's
    # encryption with a server error); the body is refused before anything is checked.
    body = json.dumps(_payload(box_codes[0], sheets(1, "MARK")))
    assert body.count('"MARK"') == len(sheets())
    response = _post(client, body.replace('"MARK"', f'"a{escape}b"', 1))
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert "không đúng định dạng" in response.json()["detail"]
    assert not PendingBallot.objects.exists()
    assert not Code.objects.filter(state="used").exists()


def test_a_whole_surrogate_pair_is_one_character_and_the_ballot_is_cast(
    client: Client, box_codes: list[str], sheets: Any
) -> None:
    body = json.dumps(_payload(box_codes[0], sheets(1, "MARK")))
    response = _post(client, body.replace('"MARK"', '"Tốt \\ud83d\\ude00"'))
    assert response.status_code == 201, response.json()
    assert Code.objects.filter(state="used").count() == 1


def test_an_unknown_code_is_404_and_repeated_failures_slow_the_client_never_refuse_it(
    client: Client, box_codes: list[str], sheets: Any, settings: Any, monkeypatch: Any
) -> None:
    from django.core.cache import caches

    from phieukin.ballots import codes, ratelimit

    caches["shared"].clear()
    waits: list[float] = []
    monkeypatch.setattr(ratelimit, "sleep", waits.append)
    settings.PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT = 3
    statuses = [_post(client, _payload(codes.generate(), sheets())).status_code for _ in range(5)]
    assert statuses == [404] * 5
    assert len(waits) == 2 and waits[0] > 0
    # A good code from the same client is accepted at once.
    assert _post(client, _payload(box_codes[0], sheets())).status_code == 201
    assert len(waits) == 2


def _seal(box: BallotBox, codes: list[str], sheets: Any, n: int) -> None:
    for i in range(n):
        services.cast_ballot(code=codes[i], sheets=sheets(i % 4, f"góp ý {i}"))
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)


def test_the_bulletin_lists_digest_counts_and_receipts_after_sealing(
    client: Client, box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    assert client.get(f"/api/v1/boxes/{open_box_.pk}/bulletin").status_code == 409
    receipts = services.cast_ballot(code=box_codes[0], sheets=sheets())
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    data = client.get(f"/api/v1/boxes/{open_box_.pk}/bulletin").json()
    assert set(receipts) <= set(data["receipts"])
    assert data["digest"] == open_box_.seal.digest
    assert data["counts"]["codes_used"] == 1


def test_the_csv_export_needs_k_ballots_and_never_contains_comments(
    client: Client, box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    k = open_box_.conference.round.k_threshold
    _seal(open_box_, box_codes, sheets, k)
    response = client.get(f"/api/v1/boxes/{open_box_.pk}/ballots.csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert "góp ý" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Ballot.objects.filter(box=open_box_).count()
    assert rows[0]["nd01"] in {"tot", "kha", "trung_binh", "yeu", "khong_danh_gia"}


def test_the_csv_export_is_refused_below_k(
    client: Client, box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    _seal(open_box_, box_codes, sheets, 1)  # 1 respondent: fewer than k ballots per leader
    Ballot.objects.filter(box=open_box_).delete()
    response = client.get(f"/api/v1/boxes/{open_box_.pk}/ballots.csv")
    assert response.status_code == 409
    assert str(open_box_.conference.round.k_threshold) in response.json()["detail"]


def test_admin_endpoints_need_a_token(client: Client, box: BallotBox) -> None:
    response = client.post(f"/api/v1/admin/boxes/{box.pk}/open")
    assert response.status_code == 401
    bad = client.post(f"/api/v1/admin/boxes/{box.pk}/open", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401


def test_the_admin_flow_through_the_api(
    client: Client, box: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    token = create_api_token(user=ward_organiser, name="test")
    assert ApiToken.objects.filter(digest=token_digest(token)).exists()
    assert not ApiToken.objects.filter(digest=token).exists()
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    base = f"/api/v1/admin/boxes/{box.pk}"
    codes = client.post(
        f"{base}/codes", json.dumps({"count": 3}), content_type="application/json", **auth
    ).json()["codes"]
    assert len(codes) == 3
    opened = client.post(
        f"{base}/open",
        json.dumps({"threshold": 2, "members": 3}),
        content_type="application/json",
        **auth,
    ).json()
    assert opened["state"] == "open" and len(opened["shares"]) == 4
    counter_auth: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=counter, name='c')}"
    }
    voided = client.post(
        f"{base}/codes/void",
        json.dumps({"codes": codes[2:]}),
        content_type="application/json",
        **counter_auth,
    )
    assert voided.json() == {"voided": 1}
    assert _post(client, _payload(codes[0], full_sheets(box))).status_code == 201
    # Four eyes on attendance of the open box: the counter proposes, the organiser confirms.
    proposal = client.post(
        f"{base}/attendance/proposals",
        json.dumps({"invited": 3, "present": 1}),
        content_type="application/json",
        **counter_auth,
    ).json()
    confirmed = client.post(
        f"{base}/attendance/proposals/{proposal['id']}/confirm",
        content_type="application/json",
        **auth,
    )
    assert confirmed.status_code == 200, confirmed.content
    status = client.get(base, **auth).json()
    assert status["counts"]["codes_used"] == 1 and status["mismatches"] == []
    assert client.post(f"{base}/close", **auth).json()["state"] == "closed"
    too_few = client.post(
        f"{base}/seal",
        json.dumps({"shares": opened["shares"][:1]}),
        content_type="application/json",
        **counter_auth,
    )
    assert too_few.status_code == 400 and too_few.json()["code"] == "shares_too_few"
    sealed = client.post(
        f"{base}/seal",
        json.dumps({"shares": opened["shares"][1:3]}),
        content_type="application/json",
        **counter_auth,
    )
    assert sealed.status_code == 200, sealed.json()
    verify = client.get(f"{base}/verify", **counter_auth).json()
    assert verify["ok"] is True


def test_an_outsider_token_cannot_touch_another_ward(
    client: Client, box: BallotBox, outsider: Any
) -> None:
    auth: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=outsider, name='x')}"
    }
    assert client.post(f"/api/v1/admin/boxes/{box.pk}/open", **auth).status_code == 403
    assert client.get(f"/api/v1/admin/boxes/{box.pk}", **auth).status_code == 403


def test_create_api_token_prints_the_token_once(ward_organiser: Any, capsys: Any) -> None:
    call_command("create_api_token", ward_organiser.username, "script")
    token = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(digest=token_digest(token)).name == "script"


def test_the_tally_is_published_after_sealing_and_never_below_k(
    client: Client, box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    assert client.get(f"/api/v1/boxes/{open_box_.pk}/tally").status_code == 409
    k = open_box_.conference.round.k_threshold
    _seal(open_box_, box_codes, sheets, k - 1)
    document = client.get(f"/api/v1/boxes/{open_box_.pk}/tally").json()
    figures = list(_values_of(document, "figures"))
    assert None in figures  # every leader's cell (k - 1 ballots) is withheld
    assert all(f["ballots"] >= k for f in figures if f is not None)


def test_the_tally_of_k_ballots_has_figures(
    client: Client, box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    k = open_box_.conference.round.k_threshold
    _seal(open_box_, box_codes, sheets, k + 3)
    response = client.get(f"/api/v1/boxes/{open_box_.pk}/tally")
    assert response.status_code == 200
    assert any(f is not None for f in _values_of(response.json(), "figures"))
    assert "góp ý" not in response.content.decode()  # no comments in the public tally


def _values_of(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _values_of(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _values_of(v, key)


def test_json_answers_carry_the_data_policy_and_files_and_pages_the_sites(
    client: Client, box_codes: list[str], sheets: Any, open_box_: BallotBox
) -> None:
    from unittest import mock

    from csp.utils import build_policy

    from phieukin.core.csp import DATA_POLICY

    with mock.patch("csp.middleware.build_policy", wraps=build_policy) as built:
        answers = [
            _post(client, _payload(box_codes[0], sheets())),  # the ballot, 201
            _post(client, _payload(box_codes[0], sheets())),  # the same code again, 409
            _post(client, "{not json"),  # 400
            client.get(f"/api/v1/boxes/{open_box_.pk}"),  # a schema's answer, 200
            client.get("/api/v1/boxes/999999"),  # 404
            client.get("/api/v1/admin/boxes/1/minutes.pdf"),  # no token, 401
        ]
        assert [a.status_code for a in answers] == [201, 409, 400, 200, 404, 401]
        for answer in answers:
            assert answer["Content-Type"].startswith("application/json")
            assert answer["Content-Security-Policy"] == DATA_POLICY
        # The site's policy is not even built for them ...
        assert built.call_count == 0
        # ... while pages and files get it, the API's document and export included.
        _seal(open_box_, box_codes[1:], sheets, open_box_.conference.round.k_threshold)
        for path in (
            "/api/v1/docs",
            f"/api/v1/boxes/{open_box_.pk}/ballots.csv",
            f"/v/{open_box_.pk}/",
        ):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "script-src 'self'" in page["Content-Security-Policy"], path
        assert built.call_count > 0
