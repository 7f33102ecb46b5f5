"""The token's place in the session (voiphistory.accounts.tokens): kept sealed, read back through
the accessor, forgotten with the account."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore

from voiphistory.accounts import tokens


def test_the_token_is_kept_sealed_and_read_back_through_the_accessor(settings):
    session = SessionStore()
    tokens.session_keep(session, token="secret-token", token_name="dashboard", account={"customer_id": 4})
    sealed = tokens.sealed_token(session)
    assert sealed is not None and "secret-token" not in sealed and tokens.unseal(sealed) == "secret-token"
    assert "secret-token" not in str(dict(session.items()))
    assert tokens.session_account(session) == {"customer_id": 4}


def test_forgetting_returns_the_token_to_revoke_and_leaves_nothing():
    session = SessionStore()
    tokens.session_keep(session, token="secret-token", token_name="dashboard", account={})
    assert tokens.session_forget(session) == "secret-token"
    assert tokens.session_account(session) is None and tokens.session_forget(session) is None
    with pytest.raises(tokens.NotSignedIn):
        tokens.sealed_token(session)


def test_a_token_sealed_under_a_rotated_key_is_forgotten_without_being_returned(settings):
    session = SessionStore()
    tokens.session_keep(session, token="secret-token", token_name="dashboard", account={})
    settings.SECRET_KEY = "another-key-entirely-" + "x" * 40
    assert tokens.session_forget(session) is None and tokens.session_account(session) is None
