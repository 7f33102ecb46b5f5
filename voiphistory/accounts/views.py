from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from voiphistory.accounts import services, throttle
from voiphistory.accounts.forms import PreferencesForm, SignInForm, TwoFactorForm
from voiphistory.accounts.middleware import TIME_ZONE_KEY
from voiphistory.voipstudio import Unauthorized, VoipstudioError
from voiphistory.web.htmx import safe_next
from voiphistory.web.requests import HtmxRequest, SignedInRequest

# Between the password and the code the session holds only the nonce and the email (no token).
PENDING_KEY = "sign_in_pending"
MAX_CODE_ATTEMPTS = 5


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HtmxRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), "")  # "" off-site
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = SignInForm(request.POST or None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        if minutes := throttle.blocked_for(request, email):
            form.add_error(
                None, f"Too many failed sign-in attempts. Please wait {minutes} minutes and try again."
            )
            return render(request, "accounts/sign_in.html", _page(form, next_url), status=429)
        try:
            result = services.sign_in_start(email=email, password=form.cleaned_data["password"])
        except Unauthorized:
            throttle.failed(request, email)
            form.add_error(None, "Wrong email or password.")
        except VoipstudioError as exc:
            form.add_error(None, _not_answering(exc))
        else:
            if (token := result.session_token) is None:  # a code must follow (result.needs_code)
                # the count is cleared once the code is right too
                request.session[PENDING_KEY] = {"nonce": result.nonce, "email": email, "attempts": 0}
                return redirect(_with_next(reverse("accounts:two_factor"), next_url))
            if (error := _finish(request, token)) is None:
                throttle.succeeded(request, email)
                return _signed_in(next_url)
            form.add_error(None, error)
    return render(request, "accounts/sign_in.html", _page(form, next_url))


@login_not_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HtmxRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), "")  # "" off-site
    if request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect(_with_next(reverse("accounts:sign_in"), next_url))
    form = TwoFactorForm(request.POST or None)
    if form.is_valid():
        # Wrong codes count like wrong passwords, per email and address, across sign-ins.
        if minutes := throttle.blocked_for(request, pending["email"]):
            request.session.pop(PENDING_KEY, None)
            form.add_error(
                None, f"Too many failed sign-in attempts. Please wait {minutes} minutes and try again."
            )
            return render(
                request,
                "accounts/two_factor.html",
                _page(form, next_url) | {"email": pending["email"]},
                status=429,
            )
        try:
            token = services.sign_in_two_factor(code=form.cleaned_data["code"], nonce=pending["nonce"])
        except services.WrongCode:
            throttle.failed(request, pending["email"])
            pending["attempts"] += 1
            request.session[PENDING_KEY] = pending
            if pending["attempts"] >= MAX_CODE_ATTEMPTS:
                return _start_over(request, next_url, "Too many wrong codes. Please sign in again.")
            form.add_error("code", "That code is not right. Check your authenticator app and try again.")
        except services.CodeExpired:
            return _start_over(request, next_url, "The sign-in code step expired. Please sign in again.")
        except VoipstudioError as exc:
            form.add_error(None, _not_answering(exc))
        else:
            del request.session[PENDING_KEY]
            if (error := _finish(request, token)) is None:
                throttle.succeeded(request, pending["email"])
                return _signed_in(next_url)
            return _start_over(request, next_url, error)
    context = _page(form, next_url) | {"email": pending["email"]}
    return render(request, "accounts/two_factor.html", context)


@login_not_required  # a lapsed session's "Sign out" button must not bounce through sign-in
@require_POST
def sign_out(request: HtmxRequest) -> HttpResponse:
    revoked = services.sign_out(request=request)
    messages.success(request, "Signed out.")
    if not revoked:
        messages.warning(
            request,
            "VoIPstudio did not confirm that the dashboard's access was withdrawn; "
            "it lapses by itself when unused.",
        )
    return redirect("accounts:sign_in")


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    initial = {"time_zone": services.preference_time_zone(user=request.user)}
    form = PreferencesForm(request.POST or None, initial=initial)
    if form.is_valid():
        preference = services.preference_update(user=request.user, time_zone=form.cleaned_data["time_zone"])
        request.session[TIME_ZONE_KEY] = preference.time_zone
        messages.success(request, "Saved.")
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@sensitive_variables("session_token")
def _finish(request: HtmxRequest, session_token: str) -> str | None:
    """None once signed in; else the message to show."""
    request.session.pop(PENDING_KEY, None)
    try:
        services.sign_in_finish(request=request, session_token=session_token)
    except VoipstudioError as exc:
        return _not_answering(exc)
    return None


def _signed_in(next_url: str) -> HttpResponse:
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _start_over(request: HtmxRequest, next_url: str, message: str) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    messages.warning(request, message)
    return redirect(_with_next(reverse("accounts:sign_in"), next_url))


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _not_answering(exc: VoipstudioError) -> str:
    return f"VoIPstudio is not answering right now ({exc.message}). Please try again in a moment."


def _page(form: SignInForm | TwoFactorForm, next_url: str) -> dict:
    upstream_host = urlsplit(settings.VOIPSTUDIO_BASE_URL).netloc
    return {"form": form, "next_url": next_url, "upstream_host": upstream_host}
