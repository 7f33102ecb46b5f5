"""The tables: one view for every section (Calls, Recordings, Voicemail, …), and single deletes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from voiphistory.accounts.permissions import writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import capabilities, labels, selectors, services
from voiphistory.history.call_window import TooManyLegs
from voiphistory.history.catalog import BY_SLUG, Section
from voiphistory.history.edits import edited_recording_ids
from voiphistory.history.filters import PAGE_SIZES, TableQuery
from voiphistory.history.user_names import user_names
from voiphistory.history.views import listening
from voiphistory.voipstudio import Page
from voiphistory.web.htmx import fragment_context, safe_next, wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure


def section_or_404(slug: str) -> Section:
    if slug not in BY_SLUG:
        raise Http404("No such table")
    return BY_SLUG[slug]


@require_safe
def home(request: SignedInRequest) -> HttpResponse:
    """Supervisors start the day on the overview (voiphistory.overview)."""
    return redirect("overview:page")


@require_POST
def remember_columns(request: SignedInRequest, slug: str) -> HttpResponse:
    """The column menu posts here when it changes (htmx, CSRF header on <body>): the choice is kept
    for the next visit. 204: nothing to swap, the table itself reloads through the filters' GET."""
    if not services.table_columns_remember(
        owner=request.user, section=section_or_404(slug), columns=request.POST.getlist("cols")
    ):
        return HttpResponse(
            "Those columns are not this table's; nothing was remembered.",
            status=400,
            content_type="text/plain",
        )
    return HttpResponse(status=204)


@require_safe
@vary_on_headers("HX-Request")
def table(request: SignedInRequest, slug: str) -> HttpResponse:
    section = section_or_404(slug)
    context = {"section": section, "page_sizes": PAGE_SIZES, "page": None, **fragment_context(request)}
    context["back_to"] = urlencode({"next": request.get_full_path()})  # once, not once per row
    # Calls may not be deletable by id on this account (history.capabilities): then no delete is offered, with why.
    refusal = section.deletable and capabilities.delete_refusal(
        section=section, customer_id=request.account.customer_id
    )
    context["delete_refused"] = refusal or ""
    context["can_delete"] = section.deletable and request.account.can_write and not refusal
    # Row checkboxes feed the bulk toolbar (voicemail's feed its move form, which has the same buttons).
    context["selectable"] = not section.has_folders and (
        section.archivable or context["can_delete"] or (section.editable_info and request.account.can_write)
    )
    with upstream_failure() as failed:
        _fill_table(request, section, context)
    if failed:
        context["error_message"] = failed.message
        context.setdefault("query", TableQuery(section, request.GET, users={}))
    template = "history/table.html#table" if wants_fragment(request) else "history/table.html"
    with labels.dictionaries_used(context.get("code_dictionaries", {})):  # codes in VoIPstudio's own words
        return render(request, template, context)


def _fill_table(request: SignedInRequest, section: Section, context: dict) -> None:
    """The table's query, its page of rows and everything drawn beside them, into ``context``."""
    client = client_for(request)
    users = user_names(client=client, customer_id=request.account.customer_id)
    data = services.table_columns_choose(owner=request.user, section=section, data=request.GET)
    query = context["query"] = TableQuery(section, data, users=users)
    context["table_querystring"] = data.urlencode()  # what bulk jobs and saved views act on
    context["users"] = users
    if any(
        column.kind == "user" for column in section.columns
    ):  # the table says so, and names users from rows
        context["users_unavailable"] = users.unavailable
    if query.is_valid():
        try:
            page = selectors.table_page(
                client=client, section=section, query=query, customer_id=request.account.customer_id
            )
            context["call_rows"] = query.shows_calls
        except TooManyLegs as error:  # a period too big to group: its legs, and a note saying so
            page = selectors.legs_page(client=client, section=section, query=query)
            context["too_many_legs"] = error.legs
        context["page"] = page
        context["users"] = users.learn(page.items)
        if section.legs:  # labels for rendering, after the rows
            context["code_dictionaries"] = selectors.code_dictionaries(
                client=client, customer_id=request.account.customer_id
            )
        if context.get("call_rows"):  # a row is a whole call: bulk-select its legs in the legs view
            context["selectable"] = False
        context.update(table_layout(section, query, page))
        # Calls: which rows were recorded (their Listen); voicemail: the triage controls.
        context.update(
            listening.table_context(request=request, client=client, section=section, query=query, page=page)
        )
        if section.editable_ai:  # "Edited by a person" on rows whose AI text was corrected here
            context["edited"] = edited_recording_ids(
                customer_id=request.account.customer_id, ids=[m.id for m in page.items]
            )


def table_layout(section: Section, query: TableQuery, page: Page) -> dict:
    """Headers with their sort links, the pager, and the caption's numbers."""
    current = query.cleaned_data["sort"]
    headers = []
    for column in query.visible_columns:
        key = column.key
        if not column.field:
            headers.append({"column": column, "sort": "", "aria_sort": ""})
            continue
        aria = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        first_click = f"-{key}" if column.kind in {"when", "duration", "score"} else key
        headers.append(
            {
                "column": column,
                "aria_sort": aria,
                "sort": key if current == f"-{key}" else f"-{key}" if current == key else first_click,
            }
        )
    first = (page.page - 1) * page.limit + 1
    return {
        "columns": query.visible_columns,
        "headers": headers,
        "pager": pager_links(page.page, page.pages),
        "page_first": first,
        "page_last": first + len(page.items) - 1,
        "detail_view": section.detail_view,
    }


def pager_links(current: int, pages: int) -> list[dict]:
    """Previous, first, a window around the current page, last, next."""
    if pages <= 1:
        return []
    numbers = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    links = [{"label": "‹ Previous", "page": current - 1 if current > 1 else None, "rel": "prev"}]
    previous = 0
    for number in numbers:
        if number - previous > 1:
            links.append({"label": "…", "page": None})
        links.append({"label": str(number), "page": number, "current": number == current})
        previous = number
    links.append({"label": "Next ›", "page": current + 1 if current < pages else None, "rel": "next"})
    return links


@require_http_methods(["GET", "POST"])
@writer_required
def delete_item(request: SignedInRequest, slug: str, id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes. Answers the row's place in the table for HTMX."""
    section = section_or_404(slug)
    if not section.deletable:
        raise Http404("This table has no delete")
    table_url = reverse("history:table", args=[slug])
    back = safe_next(request, request.POST.get("next") or request.GET.get("next"), table_url)
    context = {"section": section, "id": id, "next": back}
    if refusal := capabilities.delete_refusal(section=section, customer_id=request.account.customer_id):
        context |= {"error_message": f"{refusal}.", "refused": True}  # known: nothing is sent upstream
        return _confirm_delete(request, context)
    if request.method == "GET":
        return _confirm_delete(request, context)
    with upstream_failure() as failed:
        settled = services.item_delete(
            client=client_for(request),
            section=section,
            id=id,
            customer_id=request.account.customer_id,
            writer=request.account.can_write,
        )
    if failed.bad_id:  # /calls/0/delete/: well-formed for the URL, never an item
        raise Http404("No such item")
    if failed:
        context |= {
            "error_message": failed.message,
            "refused": isinstance(failed.error, capabilities.NotOffered),
        }
        return _confirm_delete(request, context)
    audit.record(
        actor=Actor.of(request),
        action=Action.DELETE,
        section=section.slug,
        ids=[id],
        detail=settled.audit_detail(),
    )
    said = settled.message(
        done=f"The {section.noun} was deleted.",
        not_done=f"Not deleted — VoIPstudio still has the {section.noun}",
    )
    if not settled.all_done:  # the answer was lost and the item is still there (or nobody can tell)
        return _confirm_delete(request, context | {"error_message": said})
    if wants_fragment(request):
        return render(request, "history/table.html#deleted", {**context, "deleted_message": said})
    messages.success(request, said)
    return redirect(back)


def _confirm_delete(request: SignedInRequest, context: dict) -> HttpResponse:
    """The confirmation: in the row's place for HTMX, else its own page (with what happened, if anything)."""
    template = (
        "history/table.html#confirm-delete" if wants_fragment(request) else "history/confirm_delete.html"
    )
    return render(request, template, context)
