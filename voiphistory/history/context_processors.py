from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from voiphistory.history.catalog import SECTIONS


def navigation(request: HttpRequest) -> dict:
    items = [
        {"slug": s.slug, "title": s.title, "url": reverse("history:table", args=[s.slug])} for s in SECTIONS
    ]
    return {"navigation": items}
