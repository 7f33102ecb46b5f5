"""The one policy for VoIPstudio's failures in a view: what goes on, what is shown, with which status.

- ``Unauthorized`` (the token expired or was revoked) always goes on: the session middleware
  answers it by sending the person to sign-in, then back to the page.
- Every other ``VoipstudioError``, and an ``InvalidIdentifier`` (an id VoIPstudio never gives,
  like ``/calls/0/``), is kept on an ``UpstreamFailure`` for the view to show where the page
  would have been: never a 500.
- A whole page that failed answers 404 (missing) or 502 (any other failure); a fragment answers
  200, since htmx 2 swaps no 4xx/5xx answer.

A view wraps what asks VoIPstudio, then looks at the failure::

    with upstream_failure() as failed:
        detail = selectors.call_detail(client=client, id=id, customer_id=customer_id)
    if failed:
        context |= {"missing": True} if failed.missing else {"error_message": failed.message}
        return render(request, template, context, status=failed.status(request))

Errors a view gives its own words (a busy recording, a refused delete, field errors) are caught
inside the block, before this sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest

from voiphistory.voipstudio import InvalidIdentifier, NotFound, Unauthorized, VoipstudioError
from voiphistory.web.htmx import wants_fragment
from voiphistory.web.messages import upstream_message

__all__ = ["UpstreamFailure", "upstream_failure"]

NO_SUCH_ID = "VoIPstudio has no such item."


class UpstreamFailure:
    """What went wrong upstream in a ``with upstream_failure()`` block: false while nothing did."""

    __slots__ = ("error",)

    def __init__(self) -> None:
        self.error: VoipstudioError | InvalidIdentifier | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def missing(self) -> bool:
        """VoIPstudio has no such thing: it answered 404, or the id is one it never gives."""
        return isinstance(self.error, (NotFound, InvalidIdentifier))

    @property
    def bad_id(self) -> bool:
        """The id is one VoIPstudio never gives (nothing was asked of it)."""
        return isinstance(self.error, InvalidIdentifier)

    @property
    def message(self) -> str:
        """The failure in a supervisor's words (``web.messages.upstream_message``)."""
        if isinstance(self.error, VoipstudioError):
            return upstream_message(self.error)
        return NO_SUCH_ID if self.error is not None else ""

    @property
    def page_status(self) -> int:
        """A whole page's status: 404 for something missing, 502 for any other failure."""
        return 404 if self.missing else 502

    def status(self, request: HttpRequest) -> int:
        """The answer's status: a fragment carries its error with 200 (htmx 2 swaps only 2xx)."""
        return 200 if wants_fragment(request) else self.page_status


@contextmanager
def upstream_failure() -> Iterator[UpstreamFailure]:
    """Run the block; ``Unauthorized`` goes on to the middleware, any other VoIPstudio failure
    (or an impossible id) ends the block and is kept on the yielded ``UpstreamFailure``."""
    failure = UpstreamFailure()
    try:
        yield failure
    except Unauthorized:
        raise
    except (VoipstudioError, InvalidIdentifier) as error:
        failure.error = error
