"""VoIPstudio tokens are sealed (Fernet: AES-128-CBC + HMAC) before they are stored anywhere.

The key is derived from SECRET_KEY, so a copied database or session table alone reveals nothing.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


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


__all__ = ["InvalidToken", "seal", "unseal"]
