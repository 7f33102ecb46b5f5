"""Signing in with a VoIPstudio account, signing out, and saving preferences.

Sign-in trades the supervisor's short login token for a named API token of the dashboard's own
(revocable in the VoIPstudio portal, idle expiry from settings), then ends the login token, so
only one credential exists per browser session. Tokens only ever live sealed in the server-side
session (``upstream.remember``); nothing here logs, returns to a template or stores them otherwise.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from voiphistory.accounts import upstream
from voiphistory.accounts.middleware import TIME_ZONE_KEY
from voiphistory.accounts.models import Preference
from voiphistory.voipstudio import (
    InvalidRequest,
    Me,
    NotFound,
    TwoFactorRequired,
    Unauthorized,
    VoipstudioClient,
    VoipstudioError,
)

logger = logging.getLogger(__name__)

WRITER_ROLE = "ROLE_ADMIN"
DEFAULT_TIME_ZONE = "UTC"
_AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"
_MASK = "********"


class WrongCode(Exception):
    """VoIPstudio refused the two-factor code; the same challenge may be answered again."""


class CodeExpired(Exception):
    """The two-factor challenge is unknown or too old (5 minutes): sign in again."""


@dataclass(frozen=True, slots=True)
class SignInResult:
    """VoIPstudio's answer to email and password: a session token, or a nonce when the account
    has two-factor authentication and a code must follow."""

    session_token: str | None = None
    nonce: str | None = None

    @property
    def needs_code(self) -> bool:
        return self.nonce is not None

    def __repr__(self) -> str:
        shown = _MASK if self.session_token else None
        return f"SignInResult(session_token={shown!r}, needs_code={self.needs_code})"


@sensitive_variables("password", "result")
def sign_in_start(*, email: str, password: str) -> SignInResult:
    """Raises ``Unauthorized`` for a wrong email or password, other ``VoipstudioError``s when
    VoIPstudio cannot answer."""
    result = upstream.api_client().login(email, password)
    if isinstance(result, TwoFactorRequired):
        return SignInResult(nonce=result.nonce)
    return SignInResult(session_token=result.token)


@sensitive_variables("code", "nonce")
def sign_in_two_factor(*, code: str, nonce: str) -> str:
    """The session token for a right code. Raises ``WrongCode``, ``CodeExpired``, or another
    ``VoipstudioError`` when VoIPstudio cannot answer."""
    try:
        return upstream.api_client().login_2fa(code, nonce).token
    except (Unauthorized, InvalidRequest) as exc:
        # A refused code names the field "code"; an unknown or expired nonce names none.
        if "code" in exc.field_errors:
            raise WrongCode from None
        raise CodeExpired from None


@sensitive_variables("session_token", "session_client", "api_token")
def sign_in_finish(*, request: HttpRequest, session_token: str) -> upstream.Account:
    """Mint the dashboard's named API token, end the login token, sign the local user in
    (a new session key) and keep the sealed token and the account in the session."""
    session_client = upstream.api_client(session_token)
    try:
        me = session_client.me()
        # (name, user) is unique upstream; a random suffix keeps several browsers apart.
        token_name = f"voiphistory {secrets.token_hex(5)}"
        api_token = session_client.api_tokens.create(token_name, settings.VOIPSTUDIO_TOKEN_IDLE_SECONDS)
    finally:
        _end_login_session(session_client)
    try:
        user = _local_user(me)
        login(request, user, backend=_AUTH_BACKEND)  # rotates the session key: fixation defence
        account = upstream.Account(
            user_id=me.id,
            customer_id=me.customer_id or 0,
            email=me.email or "",
            name=_full_name(me),
            can_write=WRITER_ROLE in me.roles,
        )
        upstream.remember(request, token=api_token.token, token_name=token_name, account=account)
        request.session[TIME_ZONE_KEY] = preference_time_zone(user=user)
    except BaseException:
        _revoke(api_token.token)
        logout(request)
        raise
    logger.info(
        "VoIPstudio user %s of customer %s signed in (%s)",
        account.user_id,
        account.customer_id,
        "can write" if account.can_write else "read-only",
    )
    return account


@sensitive_variables("token")
def sign_out(*, request: HttpRequest) -> bool:
    """Revoke the session's API token upstream and end the local session. Returns False when
    VoIPstudio could not confirm the revocation (the token then lapses after its idle time)."""
    token = upstream.forget(request)
    revoked = _revoke(token) if token else True
    logout(request)
    return revoked


def preference_time_zone(*, user: User) -> str:
    zone = Preference.objects.filter(user=user).values_list("time_zone", flat=True).first()
    return zone or DEFAULT_TIME_ZONE


def preference_update(*, user: User, time_zone: str) -> Preference:
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"time_zone": time_zone})
    return preference


def _local_user(me: Me) -> User:
    details = {
        "first_name": (me.first_name or "")[:150],
        "last_name": (me.last_name or "")[:150],
        "email": me.email or "",
    }
    # The password is set (unusable) only on creation: changing it would change the session
    # auth hash and sign the same person out of their other browsers.
    user, _ = get_user_model().objects.update_or_create(
        username=f"voipstudio-{me.id}",
        defaults=details,
        create_defaults={**details, "password": make_password(None)},
    )
    return user


def _full_name(me: Me) -> str:
    return " ".join(part for part in (me.first_name, me.last_name) if part) or me.email or f"User {me.id}"


def _end_login_session(client: VoipstudioClient) -> None:
    try:
        client.logout()
    except VoipstudioError as exc:
        # Not fatal: an unused login token lapses after 30 minutes idle.
        logger.info("Could not end the VoIPstudio login token (%s, HTTP %s)", type(exc).__name__, exc.status)


@sensitive_variables("token")
def _revoke(token: str) -> bool:
    try:
        upstream.api_client(token).api_tokens.delete(token)
    except (NotFound, Unauthorized):
        return True  # already gone: revoked in the portal, or expired
    except VoipstudioError as exc:
        logger.warning(
            "Could not revoke the dashboard's VoIPstudio API token (%s, HTTP %s); it lapses after %s s idle",
            type(exc).__name__,
            exc.status,
            settings.VOIPSTUDIO_TOKEN_IDLE_SECONDS,
        )
        return False
    return True
