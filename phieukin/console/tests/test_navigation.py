"""The navigation bar shows what each role may use, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse


def _menu(client: Any) -> str:
    html = client.get(reverse("console:dashboard")).content.decode()
    return html[html.index('<ul class="menu">') : html.index("</ul>", html.index('class="menu"'))]


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        ("district_organiser", ["/units/", "/questionnaires/", "/audit/", "/rounds/"], []),
        ("standing", ["/units/", "/audit/", "/rounds/"], []),
        ("ward_organiser", ["/units/", "/rounds/"], ["/audit/"]),
        ("counter", ["/rounds/"], ["/audit/"]),
        ("leader", ["/rounds/"], ["/units/", "/questionnaires/", "/audit/"]),
    ],
)
def test_the_menu_lists_only_what_the_role_may_open(
    as_persona: Any, persona: str, present: list[str], absent: list[str]
) -> None:
    menu = _menu(as_persona(persona))
    for url in present:
        assert f'href="{url}"' in menu
    for url in absent:
        assert f'href="{url}"' not in menu
