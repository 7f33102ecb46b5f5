"""The words for VoIPstudio's failures, as a supervisor reads them: in pages, job panels and the
overview alike. An error whose ``message`` is already a sentence for the supervisor says so with a
true ``in_words`` class attribute (``history.capabilities.NotOffered``): it is shown as it is."""

from __future__ import annotations

from voiphistory.voipstudio import (
    Forbidden,
    InvalidRequest,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    Unavailable,
    VoipstudioError,
)


def upstream_message(error: VoipstudioError) -> str:
    """A sentence a supervisor can act on, carrying VoIPstudio's own message."""
    # OutcomeUnknown: what was read back is said by writes.Settled; this is the fallback.
    if isinstance(error, OutcomeUnknown):
        return (
            "VoIPstudio's answer was lost, so whether it happened is not known. "
            "Look again before trying a second time."
        )
    if isinstance(error, RateLimited):
        wait = (
            f" Try again in {int(error.retry_after)} seconds."
            if error.retry_after
            else " Try again in a moment."
        )
        return f"VoIPstudio is busy and asked us to slow down.{wait}"
    if isinstance(error, Unavailable):
        return f"VoIPstudio is not answering right now ({error.message}). Try again in a moment."
    if getattr(error, "in_words", False):  # already a sentence (history.capabilities.NotOffered)
        return f"{error.message}."
    if isinstance(error, Forbidden):
        return f"VoIPstudio refused this for your account: {error.message}."
    if isinstance(error, NotFound):
        return "VoIPstudio no longer has it: it may have been deleted."
    if isinstance(error, InvalidRequest):
        details = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in error.field_errors.items())
        return f"VoIPstudio did not accept the request: {error.message}{f' ({details})' if details else ''}."
    return f"VoIPstudio answered with an error: {error.message}."
