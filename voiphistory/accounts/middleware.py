"""Per request: who is signed in to VoIPstudio, in which time zone; and what to do when the
VoIPstudio token stops working (expired or revoked): back to sign-in, then back to the page."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import logout, middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from voiphistory.accounts.tokens import NotSignedIn
from voiphistory.accounts.upstream import account_of
from voiphistory.voipstudio import Unauthorized
from voiphistory.web.requests import HtmxRequest

TIME_ZONE_KEY = "time_zone"


def session_time_zone(request: HttpRequest) -> str:
    """The time zone this session shows times in (chosen in Preferences), "UTC" when none is."""
    return request.session.get(TIME_ZONE_KEY) or "UTC"


class VoipstudioSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HtmxRequest) -> HttpResponse:
        request.account = account_of(request) if request.user.is_authenticated else None
        if request.user.is_authenticated and request.account is None:
            return self._back_to_sign_in(request, "Please sign in with your VoIPstudio account.")
        zone = request.session.get(TIME_ZONE_KEY)
        if zone and (known := _known_zone(zone)) is not None:
            timezone.activate(known)
        else:
            timezone.deactivate()
            if zone:  # saved under another tz database: say so once and fall back to UTC
                del request.session[TIME_ZONE_KEY]
                messages.warning(
                    request,
                    f"The time zone {zone!r} is not known here, so times are shown in UTC. "
                    "Choose your time zone in Preferences.",
                )
        return self.get_response(request)

    def process_exception(self, request: HtmxRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (Unauthorized, NotSignedIn)):
            return self._back_to_sign_in(request, "Your VoIPstudio session has ended. Please sign in again.")
        return None

    def _back_to_sign_in(self, request: HtmxRequest, message: str) -> HttpResponse:
        next_url = request.get_full_path()
        if getattr(request, "htmx", False) and request.htmx.current_url:
            # A fragment asked; after sign-in the person wants the page, not the fragment.
            parts = urlsplit(request.htmx.current_url)
            next_url = parts.path + (f"?{parts.query}" if parts.query else "")
        logout(request)  # the local session goes too: nothing of the old sign-in stays
        messages.warning(request, message)
        response = redirect_to_login(next_url)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response.url)
        return response


def _known_zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's (every view needs sign-in unless marked ``login_not_required``), made HTMX-aware:
    a fragment request is answered with HX-Redirect so the sign-in page replaces the whole page."""

    # Django's process_view returns whatever this answers; the stubs narrow it to a redirect.
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Callable
    ) -> HttpResponse:
        response = super().handle_no_permission(request, view_func)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response.url)
        return response
