"""The access home answers from its registered rules and refuses the unknown."""

import pytest

from phieukin.accounts.access import AccessDenied, actions, authorize, can


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        can(None, "no.such.action")


def test_the_command_line_is_trusted():
    authorize(None, "audit.view")


@pytest.mark.django_db
def test_a_user_without_roles_is_refused(django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x" * 12)
    assert "audit.view" in actions()
    with pytest.raises(AccessDenied):
        authorize(user, "audit.view")
