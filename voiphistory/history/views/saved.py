"""Saving a table's current view under a name, opening one, deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from voiphistory.history import saved
from voiphistory.history.catalog import BY_SLUG
from voiphistory.history.models import SavedView
from voiphistory.web.requests import SignedInRequest


@require_POST
def create(request: SignedInRequest, slug: str) -> HttpResponse:
    if slug not in BY_SLUG:
        raise Http404("No such table")
    name = request.POST.get("name", "").strip()[:60]
    query = saved.query_of(request.POST)
    if not name:
        messages.warning(request, "Give the view a name to save it.")
        back = f"{reverse('history:table', args=[slug])}?{query}"
        return HttpResponseClientRedirect(back) if request.htmx else redirect(back)
    view = saved.saved_view_save(
        owner=request.user, customer_id=request.account.customer_id, section=slug, name=name, query=query
    )
    messages.success(request, f"Saved “{view.name}”. It is in the navigation; its link can be shared.")
    url = saved.table_url(view)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_safe
def open_view(request: SignedInRequest, id: int) -> HttpResponse:
    view = saved.saved_view_for(id=id, customer_id=request.account.customer_id)
    if view is None:
        raise Http404("No such saved view")
    return redirect(saved.table_url(view))


@require_POST
def delete(request: SignedInRequest, id: int) -> HttpResponse:
    view = SavedView.objects.filter(pk=id, owner=request.user).first()
    if view is None:
        raise Http404("No such saved view")
    view.delete()
    messages.success(request, f"The saved view “{view.name}” was deleted.")
    return redirect("history:table", view.section)
