"""Calls (history.calls) in templates: how a call ended, in words, and its legs' contexts."""

from __future__ import annotations

from django import template

from voiphistory.history.calls import Call
from voiphistory.history.cells import call_badge
from voiphistory.history.labels import CONTEXTS

register = template.Library()


@register.simple_tag
def call_outcome(call: Call, users: dict[int, str] | None) -> str:
    """ "Answered by Ann Lee", "Abandoned in the queue (Sales)": autoescaped by the template."""
    return call.describe(users or {})


@register.filter
def outcome_badge(call: Call) -> str:
    return call_badge(call)


@register.filter
def leg_context(context: str | None) -> str:
    return CONTEXTS.get(context or "", context or "")
