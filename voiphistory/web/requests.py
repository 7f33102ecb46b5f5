"""What a view's ``request`` carries beyond Django's, for type checkers: django-htmx's ``htmx``
(``HtmxMiddleware``) and, once signed in, the ``user`` and the VoIPstudio ``account``
(``accounts.middleware.VoipstudioSessionMiddleware``). Annotations only: nothing here runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:  # types only: the toolkit imports no app at run time
    from django.contrib.auth.models import User

    from voiphistory.accounts.upstream import Account
    from voiphistory.voipstudio.timing import Tally

__all__ = ["HtmxRequest", "SignedInRequest"]


class HtmxRequest(HttpRequest):
    """Any request through the middleware: ``request.htmx`` says what HTMX asked for."""

    htmx: HtmxDetails
    account: Account | None  # accounts.middleware: None until signed in
    upstream: Tally  # ops.middleware: what VoIPstudio cost this request so far


class SignedInRequest(HtmxRequest):
    """A request of a view behind sign-in (every view not marked ``login_not_required``)."""

    user: User
    account: Account
