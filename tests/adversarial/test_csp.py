# ruff: noqa: F811  (the shared "world" fixture is imported, then requested by name)
"""Content-Security-Policy: on every page type, and no page needs an inline script or style.

Every HTML page of the project (the walk of ``test_access``, as the district organiser
and anonymously, plus the admin and the API docs) carries the policy, and its HTML holds no
inline script, no ``<style>`` element and no ``style`` attribute. In headless Chromium,
the same pages load without a single CSP violation in the console.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from phieukin.accounts.models import User
from phieukin.testing.fixtures import sign_in_in_browser
from tests.adversarial.test_access import _fill, walk, world  # noqa: F401  (fixture)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.I)
THIRD_PARTY = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""", re.I)
EXTRA = ["/admin/", "/admin/accounts/user/", "/api/v1/docs", "/accounts/login/"]


def html_pages(world: dict[str, Any]) -> list[str]:
    paths = []
    for route, name, _conv in walk():
        if name.startswith(("admin:", "api:")):
            continue
        path = _fill(route, name, world["ids"] | {"fmt": "html"})
        if path is not None:
            paths.append(path)
    return sorted(set(paths)) + EXTRA


@pytest.mark.django_db
def test_every_page_carries_the_policy_and_no_inline_script_or_style(
    world: dict[str, Any], district_organiser: User, admin_user: User
) -> None:
    district_organiser.is_staff = True
    district_organiser.is_superuser = True
    district_organiser.save()
    checked = 0
    for client in (Client(), Client()):
        if checked:
            client.force_login(district_organiser)
        for path in html_pages(world):
            response = client.get(path)
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or "html" not in kind:
                continue
            policy = response["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "unsafe" not in policy, path
            assert "frame-ancestors 'none'" in policy
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), path
            assert not INLINE_STYLE.search(html), (path, INLINE_STYLE.search(html))
            assert not THIRD_PARTY.search(html), (path, THIRD_PARTY.search(html))
            checked += 1
    assert checked >= 30


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_raises_a_csp_violation_in_the_browser(
    chromium: Any, live_server: Any, world: dict[str, Any], district_organiser: User
) -> None:
    context = chromium.new_context(locale="vi-VN")
    violations: list[str] = []
    current: list[str] = []

    def watched_page() -> Any:
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                current.append(f"{page.url}: {msg.text}")
                if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
                else None
            ),
        )
        return page

    page = watched_page()
    sign_in_in_browser(page, live_server.url, "tuyengiao", "pw-tuyengiao")
    assert "/accounts/" not in page.url
    page.close()
    violations += current
    visited = 0
    skipped: dict[str, str] = {}
    for path in html_pages(world):
        if path.endswith("/logout/"):
            continue
        # Ask first with the signed-in context's own cookies, without navigating: a download,
        # a POST-only route (405) or an error page would otherwise leave the tab mid-navigation
        # and interrupt the next page's load.
        probe = context.request.get(live_server.url + path, max_redirects=0)
        kind = probe.headers.get("content-type") or ""
        if probe.status != 200 or "html" not in kind:
            skipped[path] = f"{probe.status} {kind}"
            continue
        current.clear()
        page = watched_page()  # a fresh tab per page: nothing carries over from the last one
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert response.headers.get("content-security-policy"), path
        page.wait_for_load_state("load")
        page.close()
        violations += current
        visited += 1
    context.close()
    assert visited >= 30, skipped
    assert violations == []
