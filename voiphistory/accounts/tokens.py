"""VoIPstudio tokens are sealed (Fernet: AES-128-CBC + HMAC) before they are stored anywhere, and
how one sits in the server-side session: only this module knows that layout.

The key is derived from SECRET_KEY, so a copied database or session table alone reveals nothing.
The session keeps one entry (``SESSION_KEY``): the sealed token, the token's name in VoIPstudio,
and the account VoIPstudio described at sign-in. Everything else asks ``session_keep``,
``sealed_token``, ``session_account`` and ``session_forget``.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "voipstudio"


class NotSignedIn(Exception):
    """The request has no VoIPstudio token (signed out, or the session predates sign-in)."""


@functools.cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"voiphistory voipstudio token").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(token: str) -> str:
    return _fernet(settings.SECRET_KEY).encrypt(token.encode()).decode()


def unseal(sealed: str) -> str:
    """The token; raises ``InvalidToken`` if it was sealed under another SECRET_KEY or tampered with."""
    return _fernet(settings.SECRET_KEY).decrypt(sealed.encode()).decode()


def session_keep(session: SessionBase, *, token: str, token_name: str, account: Mapping[str, Any]) -> None:
    """Keep ``token`` (sealed), its name and the account's fields in the session after sign-in."""
    session[SESSION_KEY] = {"token": seal(token), "token_name": token_name, "account": dict(account)}


def sealed_token(session: SessionBase) -> str:
    """The session's VoIPstudio token, still sealed (what a job or the overview's worker carries to
    act for the person). Raises ``NotSignedIn`` when the session holds none (the middleware then
    sends the person to sign in)."""
    state = session.get(SESSION_KEY)
    if not state:
        raise NotSignedIn
    return str(state["token"])


def session_account(session: SessionBase) -> dict[str, Any] | None:
    """The account's fields as kept at sign-in; None when the session holds none."""
    state = session.get(SESSION_KEY)
    return dict(state["account"]) if state else None


def session_forget(session: SessionBase) -> str | None:
    """Drop the VoIPstudio entry from the session; returns the token so it can be revoked (None if
    there was none, or it was sealed under a SECRET_KEY that has since been rotated)."""
    state = session.pop(SESSION_KEY, None)
    try:
        return unseal(state["token"]) if state else None
    except InvalidToken:
        return None


__all__ = [
    "SESSION_KEY",
    "InvalidToken",
    "NotSignedIn",
    "seal",
    "sealed_token",
    "session_account",
    "session_forget",
    "session_keep",
    "unseal",
]
