"""Authentication and authorisation as the live API does them (docs/voipstudio-api.md,
"Base URL and authentication").

``X-Auth-Token: <token>`` on every call; legacy ``Authorization: Basic base64(<user_id>:<token>)``
is accepted too (the user part is not checked). Tokens expire after their idle time and every
request renews them. Users without ROLE_ADMIN may read but every write answers 403.
"""

from __future__ import annotations

import base64
import binascii
import functools
import secrets
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from voiphistory.emulator import clock
from voiphistory.emulator.clock import now_text
from voiphistory.emulator.errors import ApiError
from voiphistory.emulator.models import Token, User

SAFE_METHODS = frozenset({"GET", "HEAD"})
# Renew a token's idle clock at most this often (or a quarter of its idle time, if shorter),
# so reads do not each cost a database write.
_RENEW_EVERY_SECONDS = 30

View = Callable[..., HttpResponseBase]


class ApiRequest(HttpRequest):
    """The request an authenticated ``api_endpoint`` view gets: the token it came with, and its user."""

    api_token: Token
    api_user: User


def issue_token(user: User, *, name: str = "", idle_seconds: int | None = None) -> Token:
    return Token.objects.create(
        token=secrets.token_hex(32),
        user=user,
        name=name,
        idle_seconds=idle_seconds or settings.EMULATOR_SESSION_IDLE_SECONDS,
        created_at=now_text(),
        last_used=clock.now(),
    )


def token_from_request(request: HttpRequest) -> str | None:
    token = request.headers.get("X-Auth-Token")
    if token:
        return token
    authorization = request.headers.get("Authorization", "")
    if not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if ":" not in decoded:
        raise ApiError(400, "Failed to parse Authorization header credentials")
    return decoded.split(":", 1)[1]


def authenticate(request: HttpRequest) -> Token:
    value = token_from_request(request)
    if not value:
        raise ApiError(401)
    token = Token.objects.select_related("user").filter(token=value).first()
    now = clock.now()
    if token is None or not token.user.active:
        raise ApiError(401)
    if now - token.last_used > token.idle_seconds:
        token.delete()
        raise ApiError(401)
    if now - token.last_used > min(_RENEW_EVERY_SECONDS, token.idle_seconds / 4):
        Token.objects.filter(pk=token.pk).update(last_used=now)
    return token


def api_endpoint(
    *methods: str, authenticated: bool = True, writes_need_admin: bool = True
) -> Callable[[View], View]:
    """Route by method, answer errors as JSON, authenticate, and refuse writes to read-only users.

    ``writes_need_admin=False`` is for a user's own session and tokens (logout, /apitokens).
    """
    allowed = frozenset(methods)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if request.method not in allowed:
                    raise ApiError(405)
                if authenticated:
                    api_request = cast(ApiRequest, request)  # gets its two attributes here
                    api_request.api_token = authenticate(request)
                    api_request.api_user = api_request.api_token.user
                    if (
                        writes_need_admin
                        and request.method not in SAFE_METHODS
                        and not api_request.api_user.can_write
                    ):
                        raise ApiError(403)
                return view(request, *args, **kwargs)
            except ApiError as error:
                return error.response()

        return wrapper

    return decorate
