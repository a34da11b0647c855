"""The permission matrix: who may use which route, checked against every route there is.

Each app describes its routes in ``phieukin/<app>/tests/access_matrix.py`` as a list
``ROWS`` of :class:`Row` (one row per route and method). The matrix test
(``phieukin/console/tests/test_access_matrix.py``) walks the URL conf and the API's
operations, fails for any route or method without a row, and requests every route with
every method as anonymous, as every persona (a signed-in session) and with every
persona's API token, comparing each answer with the row.

A new app adds its own ``tests/access_matrix.py``; nothing here changes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from phieukin.accounts.models import Membership, Role, User
from phieukin.units.models import Position, Unit

# Signed-in personas, each with a session and an API token; "anonymous" has neither.
PERSONAS = (
    "district_organiser",
    "ward_organiser",
    "outsider",
    "counter",
    "leader",
    "standing",
    "supervisor",
    "superuser",
)
EVERYONE = frozenset({"anonymous", *PERSONAS})
SIGNED_IN = frozenset(PERSONAS)
# Roles that read the back office of the first ward (the outsider organises the second).
BACK_OFFICE = frozenset({"district_organiser", "ward_organiser", "counter", "standing"})
WARD_STAFF = frozenset({"district_organiser", "ward_organiser", "counter"})
ORGANISERS = frozenset({"district_organiser", "ward_organiser"})

WEB_METHODS = ("GET", "POST")
LOGIN = "login"  # expected answer of a refused anonymous web request: the sign-in page


@dataclass(frozen=True)
class Row:
    """Who may use one route with one method.

    ``route`` is the URL name (``"rounds:detail"``; API operations are named
    ``"api:<operation>"``). ``allowed`` lists the personas (and ``"anonymous"``) that the
    access rules let through: their answer must not be a refusal. Everyone else must get
    ``refused`` (403, or 404 where a rule hides existence, or 405 where the method is not
    served at all), or the status ``refused_as`` names for that persona; a refused
    anonymous web request is sent to the sign-in page unless ``anonymous`` says otherwise.
    ``target`` names the object of the test world that fills the URL; ``data`` is the
    body of a POST (JSON for the API).
    """

    route: str
    method: str
    allowed: frozenset[str]
    target: str = ""
    refused: int | str = 403
    refused_as: dict[str, int | str] = field(default_factory=dict)  # per-persona exceptions
    anonymous: int | str = LOGIN
    data: dict[str, Any] = field(default_factory=dict)
    absent_ok: bool = False  # the target does not exist: 404 is the allowed answer too
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.route, self.method)

    def expected(self, persona: str) -> int | str:
        """Return the refusal *persona* must get (when the row does not allow it)."""
        return self.refused_as.get(persona, self.refused)


def rows(
    route: str,
    allowed: frozenset[str] | set[str],
    *,
    methods: tuple[str, ...] = WEB_METHODS,
    not_served: tuple[str, ...] = (),
    not_served_anonymous: int | str = 405,
    **options: Any,
) -> list[Row]:
    """Return one row per method in *methods*, and 405-for-everyone rows for *not_served*.

    A view that needs a signed-in user before it looks at the method sends an anonymous
    request to the sign-in page instead: say so with ``not_served_anonymous=LOGIN``.
    """
    made = [Row(route, method, frozenset(allowed), **options) for method in methods]
    target = options.get("target", "")
    made += [
        Row(route, method, frozenset(), target=target, refused=405, anonymous=not_served_anonymous)
        for method in not_served
    ]
    return made


def collect_rows() -> dict[tuple[str, str], Row]:
    """Import ``<app>.tests.access_matrix`` of every installed phieukin app and merge ROWS."""
    table: dict[tuple[str, str], Row] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("phieukin."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access_matrix")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.tests", f"{config.name}.tests.access_matrix"):
                raise
            continue
        for row in module.ROWS:
            if row.key in table:
                raise AssertionError(f"two matrix rows for {row.key}")
            table[row.key] = row
    return table


# --- The routes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One route of the URL conf or one operation of the API."""

    name: str
    methods: tuple[str, ...]
    pattern: str  # a Django route ("rounds/<int:pk>/") or an API path ("/boxes/{box}")
    api: bool = False
    token_auth: bool = False

    def url(self, kwargs: dict[str, Any]) -> str:
        """Return the path with the parameters the pattern names filled from *kwargs*."""

        def fill(match: re.Match[str]) -> str:
            return str(kwargs[match.group(1)])

        if self.api:
            return "/api/v1" + re.sub(r"{(\w+)}", fill, self.pattern)
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, self.pattern)


def web_routes() -> list[Route]:
    """Return every named route of the URL conf outside the Django admin and the API."""
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                if ns in ("admin", "api"):
                    continue  # the admin site is Django's own; the API is walked below
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                if entry.name is None:  # an unnamed route is named by its path
                    name = "/" + prefix + str(entry.pattern)
                else:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append(Route(name, WEB_METHODS, prefix + str(entry.pattern)))

    walk(get_resolver().url_patterns, "", None)
    found.append(Route("admin:index", WEB_METHODS, "admin/"))
    return found


def api_routes() -> list[Route]:
    """Return every operation of the django-ninja API, one Route per path and method."""
    from ninja.constants import NOT_SET

    from phieukin.api.api import api  # the API is the top floor; only the tests walk it

    found: list[Route] = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            # The path as django-ninja mounts it: the router's prefix, then the operation's.
            full = "/".join(part for part in (prefix, path) if part)
            while "//" in full:
                full = full.replace("//", "/")
            full = full if full.startswith("/") else "/" + full
            for operation in view.operations:
                for method in operation.methods:
                    found.append(
                        Route(
                            f"api:{operation.view_func.__name__}",
                            (method,),
                            full,
                            api=True,
                            # A router's auth= applies to its operations too.
                            token_auth=bool(operation.auth_callbacks)
                            or router.auth not in (NOT_SET, None),
                        )
                    )
    found.append(Route("api:openapi-json", ("GET",), "/openapi.json", api=True))
    found.append(Route("api:openapi-view", ("GET",), "/docs", api=True))
    found.append(Route("api:api-root", ("GET",), "/", api=True))
    return found


# --- The world the routes are requested in --------------------------------------------------


def make_personas(district: Unit, wards: list[Unit]) -> dict[str, User]:
    """Create the signed-in personas over the district and its first two wards."""

    def user(username: str, role: str | None, unit: Unit | None, **extra: Any) -> User:
        made = User.objects.create_user(username=username, password="pw-" + username, **extra)
        if role is not None and unit is not None:
            Membership.objects.create(user=made, unit=unit, role=role)
        return made

    secretary = Position.objects.get(unit=wards[0], type__key="bi_thu_dang_uy")
    person = secretary.holder_on(dt.date.today())
    return {
        "district_organiser": user("m-tuyengiao", Role.DISTRICT_ORGANISER, district),
        "ward_organiser": user("m-vanphong1", Role.WARD_ORGANISER, wards[0]),
        "outsider": user("m-vanphong2", Role.WARD_ORGANISER, wards[1]),
        "counter": user("m-kiemphieu1", Role.COUNTER, wards[0]),
        "leader": user("m-lanhdao1", Role.LEADER, wards[0], person=person),
        "standing": user("m-thuongtruc", Role.STANDING_COMMITTEE, district),
        "supervisor": user("m-mattran", Role.SUPERVISOR, district),
        "superuser": user("m-quantri", None, None, is_staff=True, is_superuser=True),
    }


def iter_expectations(row: Row, route: Route) -> Iterator[tuple[str, str, Any]]:
    """Yield (persona, channel, expected) for every client the row is checked with.

    *channel* is ``"session"`` or ``"token"``; *expected* is ``"allowed"`` or the status.
    """
    for persona in ("anonymous", *PERSONAS):
        if persona == "anonymous":
            if "anonymous" in row.allowed:
                yield persona, "session", "allowed"
            elif route.api:
                yield persona, "session", 401 if route.token_auth else row.expected(persona)
            else:
                yield persona, "session", row.anonymous
            continue
        if route.api and route.token_auth:
            yield persona, "session", 401  # the admin API takes tokens, never a session
            yield persona, "token", "allowed" if persona in row.allowed else row.expected(persona)
        elif route.api:
            expected = "allowed" if persona in row.allowed else row.expected(persona)
            yield persona, "session", expected
            yield persona, "token", expected
        else:
            yield persona, "session", "allowed" if persona in row.allowed else row.expected(persona)
