"""Who may see what: the one place where access is decided.

Every selector that returns unit-bound objects passes its queryset through
:func:`scope_to_units`; views never filter by unit themselves. A role held in a unit
reaches that unit and every unit below it (a district organiser sees every ward).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar, cast

from django.db import connection
from django.db.models import Model, Q, QuerySet

from phieukin.accounts.models import Membership, Role

if TYPE_CHECKING:
    from phieukin.accounts.models import User

M = TypeVar("M", bound=Model)

# Roles that see every object of the units they are members of.
MANAGING_ROLES = frozenset(
    {Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.COUNTER, Role.STANDING_COMMITTEE}
)


def roles_of(user: User) -> set[str]:
    """Return the set of role names the user holds anywhere."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def unit_ids_for(user: User, roles: Iterable[str] = MANAGING_ROLES) -> set[int]:
    """Return the ids of the units the user reaches through any of *roles*.

    The units the user holds one of *roles* in and every unit below them, in one recursive
    query (a province reaches its communes and their wards without a query per level).
    """
    if not user.is_authenticated:
        return set()
    wanted = sorted(set(roles))
    if not wanted:
        return set()
    # Raw SQL (Django has no recursive query); the unit table is named through the
    # membership's relation, since units sits above accounts and is not imported here.
    units = cast("type[Model]", Membership._meta.get_field("unit").related_model)._meta
    name = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(wanted))
    sql = (
        "WITH RECURSIVE reach(id) AS ("  # noqa: S608 (table names and placeholders only)
        f"SELECT unit_id FROM {name(Membership._meta.db_table)} WHERE user_id = %s "
        f"AND role IN ({placeholders}) "
        f"UNION SELECT u.id FROM {name(units.db_table)} u JOIN reach ON u.parent_id = reach.id"
        ") SELECT id FROM reach"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *wanted])
        return {row[0] for row in cursor.fetchall()}


def has_role(user: User, role: str, unit_id: int | None = None) -> bool:
    """Return whether the user holds *role*, reaching *unit_id* when it is given."""
    if not user.is_authenticated:
        return False
    if unit_id is None:
        return Membership.objects.filter(user=user, role=role).exists()
    return unit_id in unit_ids_for(user, roles=[role])


def scope_to_units(
    queryset: QuerySet[M], user: User, unit_path: str, roles: Iterable[str] = MANAGING_ROLES
) -> QuerySet[M]:
    """Restrict *queryset* to objects whose unit (reached by *unit_path*) the user sees.

    *unit_path* is the lookup from the model to its unit id, e.g. ``"unit_id"`` for a
    conference or ``"conference__unit_id"`` for a ballot box.
    """
    ids = unit_ids_for(user, roles)
    if not ids:
        return queryset.none()
    return queryset.filter(Q(**{f"{unit_path}__in": ids}))
