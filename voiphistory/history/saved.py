"""Saved views: a table's filters and sort kept under a name (reads, writes and the navigation)."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from voiphistory.history.catalog import BY_SLUG
from voiphistory.history.filters import TableQuery
from voiphistory.history.models import SavedView

#: Fields of a request that are not the table's query.
NOT_QUERY = {"csrfmiddlewaretoken", "name", "section", "query", "page"}


def table_url(view: SavedView) -> str:
    url = reverse("history:table", args=[view.section])
    return f"{url}?{view.query}" if view.query else url


def query_of(data: QueryDict) -> str:
    """The table's query string from a posted form: the filter fields HTMX included (hx-include),
    else the ``query`` the page was rendered with (a browser without JavaScript)."""
    fields = data.copy()
    for name in NOT_QUERY:
        fields.pop(name, None)
    allowed = set(TableQuery.base_fields) - {"page"}
    kept = QueryDict(mutable=True)
    for name, values in fields.lists():
        values = [value for value in values if value != ""]
        if name in allowed and values:
            kept.setlist(name, values)
    if not kept:
        fallback = QueryDict(data.get("query", ""), mutable=True)
        fallback.pop("page", None)
        return fallback.urlencode()
    return kept.urlencode()


def saved_view_save(*, owner, customer_id: int, section: str, name: str, query: str) -> SavedView:
    """Save (or overwrite, by name) a view of one of the tables."""
    if section not in BY_SLUG:
        raise ValueError(f"no table {section!r}")
    view, _ = SavedView.objects.update_or_create(
        owner=owner, name=name, defaults={"customer_id": customer_id, "section": section, "query": query}
    )
    return view


def saved_view_for(*, id: int, customer_id: int) -> SavedView | None:
    """A view any colleague of the same customer may open (its link is shareable)."""
    return SavedView.objects.filter(pk=id, customer_id=customer_id).first()


def navigation(request: HttpRequest) -> dict:
    """The signed-in person's saved views for the navigation; queried only if a page shows them."""

    def mine() -> list[SavedView]:
        if not request.user.is_authenticated:
            return []
        return list(SavedView.objects.filter(owner=request.user))

    return {"saved_views": SimpleLazyObject(mine)}
