"""Sign-in, the second factor, the password, API tokens and the security page."""

from __future__ import annotations

import base64
from typing import Any

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from phieukin.accounts import selectors, services
from phieukin.accounts.access import AccessDenied, can
from phieukin.accounts.forms import ApiTokenForm, CommitteeMemberForm, SecondFactorForm
from phieukin.accounts.models import User
from phieukin.accounts.twofactor import has_second_factor, second_factor_required
from phieukin.core.access import acting_user, deny_unless
from phieukin.core.confirm import confirmation_page, confirmed
from phieukin.core.errors import DomainError


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """Answer a locked-out sign-in (django-axes) with a Vietnamese page and 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Show the user's sign-in settings: second factor, password, API tokens."""
    user = acting_user(request)
    return render(
        request,
        "accounts/account.html",
        {
            "has_second_factor": has_second_factor(user),
            "second_factor_required": second_factor_required(user),
            "can_manage_security": can(user, "account.manage_security"),
            "manages_committee": bool(selectors.committee_wards(user)),
        },
    )


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the TOTP code (or a backup code) after the password."""
    user = acting_user(request)
    if not has_second_factor(user):
        return redirect("accounts:second_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("otp_token", _("The code is not correct or was already used."))
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code and key), then show the backup codes once.

    A user who already has a second factor must give it first (the sign-in steps send them
    to the code page); they may then enrol a new app, which replaces the old one.
    """
    user = acting_user(request)
    if has_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:second_factor")
    device = services.start_totp_enrolment(actor=user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp_enrolment(
                actor=user, token=form.cleaned_data["otp_token"]
            )
        except DomainError as exc:
            form.add_error("otp_token", str(exc.message))
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "next": _next_url(request),
        },
    )


@never_cache
@sensitive_post_parameters()
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Let the user set their own password (required at the first sign-in of a new account)."""
    user = acting_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_own_password(actor=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "first_sign_in": user.must_change_password, "next": _next_url(request)},
    )


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens (and those of the users they manage); create and revoke."""
    user = acting_user(request)
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_api_token(
                actor=user,
                user=user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "created": created, "tokens": selectors.api_tokens_for(user)},
    )


@require_POST
@login_required
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one token the user may see."""
    user = acting_user(request)
    token = selectors.api_token_for(user, pk)
    if token is None:
        raise Http404
    try:
        services.revoke_api_token(actor=user, token=token)
    except AccessDenied:
        raise Http404 from None
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:api_tokens")


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The district organiser's page: sign-in lockouts and second factors of their users."""
    user = acting_user(request)
    deny_unless(can(user, "account.manage_security"))
    users: list[User] = list(selectors.managed_users(user).prefetch_related("memberships"))
    enrolled = {u.pk for u in users if has_second_factor(u)}
    return render(
        request,
        "accounts/security.html",
        {
            "locked": selectors.locked_sign_ins(user),
            "users": [(u, u.pk in enrolled) for u in users],
        },
    )


@require_POST
@login_required
def unlock_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift one sign-in lockout."""
    user = acting_user(request)
    attempt: AccessAttempt | None = selectors.locked_sign_ins(user).filter(pk=pk).first()
    if attempt is None:
        raise Http404
    services.unlock_sign_in(actor=user, attempt=attempt)
    messages.success(request, _("The sign-in lockout was lifted."))
    return redirect("accounts:security")


@require_POST
@login_required
def reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a user's second factor; they enrol again at their next sign-in."""
    user = acting_user(request)
    target = selectors.managed_users(user).filter(pk=pk).first()
    if target is None:
        raise Http404
    try:
        services.reset_second_factor(actor=user, user=target)
    except AccessDenied:
        raise Http404 from None
    messages.success(request, _("The second factor of %(user)s was reset.") % {"user": str(target)})
    return redirect("accounts:security")


# --- Counting-committee accounts ---------------------------------------------------------


def _managed_ward(actor: User, unit_id: int) -> Any:
    unit = selectors.committee_ward(actor, unit_id)
    if unit is None:
        raise Http404
    return unit


@never_cache
@login_required
def committee(request: HttpRequest) -> HttpResponse:
    """The ward office's page: its counting committee's accounts, added and removed here."""
    actor = acting_user(request)
    wards = selectors.committee_wards(actor)
    if not wards:
        raise Http404
    form = CommitteeMemberForm(request.POST or None, wards=wards)
    created: services.NewMember | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.add_committee_member(
                    actor=actor,
                    unit=_managed_ward(actor, int(form.cleaned_data["ward"])),
                    username=form.cleaned_data["username"],
                    full_name=form.cleaned_data["full_name"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                form = CommitteeMemberForm(wards=wards)
        else:
            status = 400
    response = render(
        request,
        "accounts/committee.html",
        {
            "form": form,
            "created": created,
            "wards": [(w, selectors.committee_members(actor, w)) for w in wards],
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def committee_remove(request: HttpRequest, unit_id: int, user_id: int) -> HttpResponse:
    """Take a member off a ward's counting committee, after a confirmation page."""
    actor = acting_user(request)
    unit = _managed_ward(actor, unit_id)
    member = selectors.committee_members(actor, unit).filter(pk=user_id).first()
    if member is None:
        raise Http404
    if confirmed(request):
        try:
            services.remove_committee_member(actor=actor, unit=unit, user=member)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(name)s is no longer on the counting committee of %(ward)s.")
                % {"name": member.full_name or member.username, "ward": unit},
            )
        return redirect("accounts:committee")
    return confirmation_page(
        request,
        title=_("Remove %(name)s from the counting committee")
        % {"name": member.full_name or member.username},
        consequences=[
            _("The account can no longer count, enter or seal in %(ward)s.") % {"ward": unit},
            _("An account left without any role can no longer sign in."),
            _("The removal is written in the audit log."),
        ],
        action=request.path,
        button=_("Remove from the committee"),
        cancel=reverse("accounts:committee"),
        status=400 if request.method == "POST" else 200,
    )
