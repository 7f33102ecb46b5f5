"""Who the audit trail names (voiphistory.audit.actors.Actor): built once from a view's request,
or for a task from the job's owner; ``record`` takes the value, never the request."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from voiphistory.accounts.upstream import Account
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action

factory = RequestFactory()


def test_a_signed_in_request_names_the_person_their_account_and_where_from(db, django_user_model, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    user = django_user_model.objects.create(username="voipstudio-7")
    request = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox/140 " + "x" * 400)
    request.user = user
    request.account = Account(user_id=7, customer_id=42, email="sam@example.com", name="Sam", can_write=True)
    actor = Actor.of(request)
    assert (actor.user, actor.email, actor.customer_id, actor.client_ip) == (
        user,
        "sam@example.com",
        42,
        "203.0.113.9",
    )
    assert actor.user_agent.startswith("Firefox/140") and len(actor.user_agent) == 300
    event = audit.record(actor=actor, action=Action.LISTEN, section="recordings", ids=[5])
    assert event is not None and (event.user, event.email, event.customer_id) == (user, "sam@example.com", 42)
    assert (event.client_ip, event.user_agent) == ("203.0.113.9", actor.user_agent)


def test_an_anonymous_request_names_nobody_and_a_garbled_address_is_no_address():
    request = factory.get("/", REMOTE_ADDR="not-an-address")
    request.user = AnonymousUser()
    actor = Actor.of(request)
    assert (actor.user, actor.email, actor.customer_id, actor.client_ip) == (None, "", 0, None)


def test_a_task_names_the_jobs_owner_without_an_address(db, django_user_model):
    owner = django_user_model.objects.create(username="voipstudio-8")
    actor = Actor.owner(owner, email="boss@example.com", customer_id=9)
    assert (actor.user, actor.email, actor.customer_id, actor.client_ip, actor.user_agent) == (
        owner,
        "boss@example.com",
        9,
        None,
        "",
    )


def test_once_in_session_records_the_first_time_only_and_per_session(db):
    actor = Actor.owner(None, customer_id=1)
    session: dict = {}
    first = audit.record(
        actor=actor, action=Action.LISTEN, section="voicemail", ids=[3], once_in_session=session
    )
    again = audit.record(
        actor=actor, action=Action.LISTEN, section="voicemail", ids=[3], once_in_session=session
    )
    other = audit.record(actor=actor, action=Action.LISTEN, section="voicemail", ids=[3], once_in_session={})
    always = audit.record(actor=actor, action=Action.LISTEN, section="voicemail", ids=[3])
    assert first is not None and again is None and other is not None and always is not None
