"""Jobs: start one from a table, watch it, cancel it, download what it made; the danger zone."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from voiphistory.accounts.middleware import TIME_ZONE_KEY
from voiphistory.accounts.permissions import refused, writer_required
from voiphistory.accounts.upstream import SESSION_KEY, client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history import capabilities
from voiphistory.history.catalog import WIPEABLE
from voiphistory.history.messages import upstream_message
from voiphistory.history.views.common import fragment_context, wants_fragment
from voiphistory.jobs import scope as scope_words
from voiphistory.jobs import broker, selectors, services, xlsxfile
from voiphistory.jobs.forms import BulkForm, DeleteAllForm
from voiphistory.jobs.models import Job
from voiphistory.ops.downloads import attachment_header
from voiphistory.voipstudio import Unauthorized, VoipstudioError

STOP_POLLING = 286  # htmx: this answer is the last one


def _create(request: HttpRequest, **fields) -> Job | None:
    """The new job, audited as requested; None when the job queue is down (nothing was created)."""

    def requested(job: Job) -> None:
        action = Action.BULK_DELETE if job.is_deletion else Action.EXPORT
        audit.record(request, action=action, section=job.section, ids=job.ids or (),
                     detail={"job": job.pk, "kind": job.kind, "query": job.query, "scope": job.scope,
                             "count": job.confirmed_count})  # fmt: skip

    try:
        return services.job_create(
            owner=request.user, account=request.account, sealed_token=request.session[SESSION_KEY]["token"],
            time_zone=request.session.get(TIME_ZONE_KEY) or "UTC", requested=requested, **fields,
        )  # fmt: skip
    except broker.JobsPaused:
        return None


def _show(request: HttpRequest, job: Job) -> HttpResponse:
    if wants_fragment(request):
        return render(request, "jobs/job.html#panel", {"job": job, "fragment": True})
    return redirect("jobs:detail", job.pk)


def _confirm(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "jobs/confirm.html#confirm" if wants_fragment(request) else "jobs/confirm.html", context)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Start a bulk delete, export or archive from a table. Deleting everything matching and
    exports first show their scope (filters in words, zone, count, first rows) to confirm.

    Exports and archives are reads, open to read-only accounts; deletes are refused to them here,
    before any job exists or anything is asked of VoIPstudio."""
    if request.POST.get("action", "").startswith("delete") and not request.account.can_write:
        return refused(request)
    form = BulkForm(request.POST)
    context = {"form": form, **fragment_context(request)}
    if not form.is_valid():
        context["error_message"] = " ".join(e for errors in form.errors.values() for e in errors)
        return _confirm(request, context)
    if form.kind == "delete" and (
        refusal := capabilities.delete_refusal(section=form.section_obj, customer_id=request.account.customer_id)
    ):
        context["error_message"] = f"{refusal}."  # learnt from an earlier refusal: no job, no request upstream
        return _confirm(request, context)
    if form.shows_scope:
        return _start_with_scope(request, form, context)
    section, data = form.section_obj, form.cleaned_data
    ids = None if form.matching else data["ids"]
    if ids is None and (problem := _query_problem(request, section, data["query"])):
        context["error_message"] = problem
        return _confirm(request, context)
    if form.kind == "delete":  # the selected rows: many of them want their count typed
        count = len(ids)
        needs_typing = count > settings.JOBS_CONFIRM_THRESHOLD
        if needs_typing and data["confirm"] != str(count):
            context.update(count=count, section=section, needs_typing=True, deleting=True)
            return _confirm(request, context)
    job = _create(request, kind=form.kind, section=section.slug, query=data["query"], ids=ids)
    if job is None:
        context["error_message"] = broker.PAUSED_MESSAGE
        return _confirm(request, context)
    return _show(request, job)


def _query_problem(request: HttpRequest, section, query: str) -> str:
    """Why the table's query cannot be run ("" when it can): a job checks it as the table does
    (days in range…), so a query the worker would refuse never becomes a job."""
    try:
        users = selectors.user_names(client=client_for(request), customer_id=request.account.customer_id)
        zone = timezone.get_current_timezone_name()
        selectors.table_query(section=section, query=query, time_zone=zone, users=users)
    except Unauthorized:
        raise
    except VoipstudioError as error:
        return upstream_message(error)
    except ValueError as error:
        return _query_error(error)
    return ""


def _query_error(error: ValueError) -> str:
    detail = f": {error}" if isinstance(error, selectors.InvalidTableQuery) else "."
    return f"The table's filters need fixing before anything can be done with them{detail}"


def _start_with_scope(request: HttpRequest, form: BulkForm, context: dict) -> HttpResponse:
    section, data = form.section_obj, form.cleaned_data
    try:
        client = client_for(request)
        users = selectors.user_names(client=client, customer_id=request.account.customer_id)
        scope = selectors.job_scope(client=client, section=section, query=data["query"],
                                    time_zone=timezone.get_current_timezone_name(), users=users,
                                    deleting=form.kind == "delete")  # fmt: skip
    except Unauthorized:
        raise
    except VoipstudioError as error:
        context["error_message"] = upstream_message(error)
        return _confirm(request, context)
    except ValueError as error:
        context["error_message"] = _query_error(error)
        return _confirm(request, context)
    deleting = form.kind == "delete"
    needs_typing = deleting and scope.count > settings.JOBS_CONFIRM_THRESHOLD
    changed_from = data["count"] if data["count"] is not None and data["count"] != scope.count else None
    confirmed = data["confirm"] == (str(scope.count) if needs_typing else "yes") and changed_from is None
    if not confirmed or not scope.count:
        context.update(scope=scope, count=scope.count, section=section, needs_typing=needs_typing, deleting=deleting,
                       changed_from=changed_from, xlsx_max_rows=xlsxfile.MAX_ROWS, users=users,
                       undo_seconds=settings.JOBS_UNDO_SECONDS)  # fmt: skip
        if not deleting:
            extension = "xlsx" if form.kind == Job.Kind.XLSX_EXPORT else "csv"
            context["file_name"] = scope_words.file_name(section.title, scope.first, scope.last, extension)
        return _confirm(request, context)
    job = _create(request, kind=form.kind, section=section.slug, query=data["query"], scope=scope.words,
                  confirmed_count=scope.count)  # fmt: skip
    if job is None:
        context["error_message"] = broker.PAUSED_MESSAGE
        return _confirm(request, context)
    return _show(request, job)


@require_safe
@vary_on_headers("HX-Request")
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.jobs_of(owner=request.user))
    context = {"jobs": jobs, "active": any(job.is_active for job in jobs), **fragment_context(request)}
    if wants_fragment(request):
        return render(request, "jobs/jobs.html#list", context, status=200 if context["active"] else STOP_POLLING)
    return render(request, "jobs/jobs.html", context)


@require_safe
@vary_on_headers("HX-Request")
def detail(request: HttpRequest, id: int) -> HttpResponse:
    job = selectors.job_of(owner=request.user, id=id)
    context = {"job": job, "failures": job.failures.all()[:200], **fragment_context(request)}
    if not wants_fragment(request):
        return render(request, "jobs/job.html", context)
    if job.is_active:
        return render(request, "jobs/job.html#panel", context)
    response = render(request, "jobs/job.html#panel", context, status=STOP_POLLING)
    if job.is_deletion:
        trigger_client_event(response, "job-finished")  # the table under the panel reloads itself
    return response


@require_POST
def cancel(request: HttpRequest, id: int) -> HttpResponse:
    job = selectors.job_of(owner=request.user, id=id)
    if services.job_cancel(job=job):
        messages.info(request, "Cancelled." if job.started_at is None else "Cancelled: it stops after the part in hand.")
    else:
        messages.warning(request, "The job had already ended.")
    return _show(request, job)


@require_safe
def download(request: HttpRequest, id: int) -> HttpResponse:
    """The job's file, for its owner only (404 for anyone else), until it expires."""
    job = selectors.job_of(owner=request.user, id=id)
    path = Path(job.result_path) if job.result_path else None
    expired = job.expires_at is None or job.expires_at <= timezone.now()
    if job.status != Job.Status.SUCCEEDED or path is None or expired or not path.is_file():
        raise Http404("This download has expired or does not exist")
    audit.record(request, action=Action.DOWNLOAD, section=job.section, detail={"job": job.pk, "file": job.result_name})
    response = FileResponse(open(path, "rb"), as_attachment=True)
    response["Content-Disposition"] = attachment_header(job.result_name, fallback=f"job-{job.pk}")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@writer_required
def danger(request: HttpRequest) -> HttpResponse:
    """Whole-collection deletes, each behind a typed phrase, after the undo window."""
    form = DeleteAllForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data["collection"]
        title = next(c.title for c in WIPEABLE if c.slug == slug)
        job = _create(request, kind=Job.Kind.DELETE_ALL, section=slug,
                      scope=f"All {title.lower()}, for everyone in your organisation")  # fmt: skip
        if job is not None:
            return _show(request, job)
        form.add_error("confirm", broker.PAUSED_MESSAGE)
    client = client_for(request)  # how many each button deletes, where VoIPstudio says (None: it does not)
    items = [{"collection": c, "phrase": DeleteAllForm.phrase(c.slug), "count": selectors.collection_count(client=client, slug=c.slug)}
             for c in WIPEABLE]  # fmt: skip
    context = {"form": form, "items": items, **fragment_context(request)}
    template = "jobs/danger.html#forms" if wants_fragment(request) else "jobs/danger.html"
    return render(request, template, context)


@require_POST
def user_export(request: HttpRequest) -> HttpResponse:
    """VoIPstudio's own export of the signed-in user's calls: it prepares and delivers the CSV."""
    try:
        client_for(request).users.request_cdrs_csv(request.account.user_id)
    except Unauthorized:
        raise
    except VoipstudioError as error:
        messages.error(request, upstream_message(error))
    else:
        messages.success(request, "VoIPstudio is preparing your calls export and will deliver it to you.")
    return redirect("jobs:list")
