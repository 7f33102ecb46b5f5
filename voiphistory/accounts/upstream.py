"""How the dashboard reaches VoIPstudio: one pooled session per process, one client per request.

Everything above this module asks ``client_for(request)`` for a client; nothing else reads the
VoIPstudio token or builds a ``VoipstudioClient``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import requests
from django.conf import settings
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from voiphistory.accounts import tokens
from voiphistory.accounts.tokens import NotSignedIn
from voiphistory.voipstudio import Codes, VoipstudioClient, build_session

_lock = threading.Lock()
_shared_session: requests.Session | None = None


@dataclass(frozen=True)
class Account:
    """Who is signed in, as VoIPstudio told us at sign-in. Kept in the server-side session."""

    user_id: int
    customer_id: int
    email: str
    name: str
    can_write: bool


def shared_session() -> requests.Session:
    global _shared_session
    with _lock:
        if _shared_session is None:
            _shared_session = build_session(
                retries=settings.VOIPSTUDIO_RETRIES, backoff=settings.VOIPSTUDIO_BACKOFF
            )
        return _shared_session


@sensitive_variables("token")  # error reports show frames' variables
def api_client(token: str | None = None) -> VoipstudioClient:
    """A client for ``token`` (or an anonymous one, for sign-in) on the shared connection pool."""
    return VoipstudioClient(
        settings.VOIPSTUDIO_BASE_URL,
        token,
        connect_timeout=settings.VOIPSTUDIO_CONNECT_TIMEOUT,
        read_timeout=settings.VOIPSTUDIO_READ_TIMEOUT,
        retries=settings.VOIPSTUDIO_RETRIES,
        backoff=settings.VOIPSTUDIO_BACKOFF,
        max_path_length=settings.VOIPSTUDIO_MAX_PATH_LENGTH,
        session=shared_session(),
        codes=configured_codes(),
    )


def configured_codes() -> Codes:
    """What voicemail folder numbers and sentiment codes mean, as the settings say (read on each
    call, so a test's ``settings`` override takes effect)."""
    return Codes(folders=settings.VOIPSTUDIO_VOICEMAIL_FOLDERS, sentiments=settings.VOIPSTUDIO_SENTIMENTS)


def remember(request: HttpRequest, *, token: str, token_name: str, account: Account) -> None:
    """Keep the token (sealed) and the account in the server-side session after sign-in."""
    tokens.session_keep(request.session, token=token, token_name=token_name, account=account.__dict__)


def forget(request: HttpRequest) -> str | None:
    """Drop the VoIPstudio state from the session; returns the token so it can be revoked
    (None if there was none, or it was sealed under a SECRET_KEY that has since been rotated)."""
    return tokens.session_forget(request.session)


def account_of(request: HttpRequest) -> Account | None:
    fields = tokens.session_account(request.session)
    return Account(**fields) if fields else None


@sensitive_variables("token", "sealed")
def client_for(request: HttpRequest) -> VoipstudioClient:
    sealed = tokens.sealed_token(request.session)  # NotSignedIn when there is none
    try:
        token = tokens.unseal(sealed)
    except tokens.InvalidToken:
        # Sealed under a rotated SECRET_KEY (the session itself survives via SECRET_KEY_FALLBACKS):
        # treat it like a lapsed token, back to sign-in, rather than a 500 on every page.
        raise NotSignedIn from None
    return api_client(token)
