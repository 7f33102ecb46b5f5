"""Jobs: start one from a table, watch it, cancel it, download what it made; the danger zone."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from voiphistory.accounts import tokens
from voiphistory.accounts.middleware import session_time_zone
from voiphistory.accounts.permissions import refused, writer_required
from voiphistory.accounts.upstream import client_for
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action
from voiphistory.history import capabilities
from voiphistory.history.catalog import WIPEABLE, Section
from voiphistory.history.user_names import user_names
from voiphistory.jobs import broker, scope as scope_words, selectors, services, xlsxfile
from voiphistory.jobs.confirmation import scope_confirmation, selection_confirmation
from voiphistory.jobs.forms import BulkForm, DeleteAllForm
from voiphistory.jobs.models import Job
from voiphistory.ops.downloads import attachment_header
from voiphistory.web.htmx import STOP_POLLING, fragment_context, wants_fragment
from voiphistory.web.requests import SignedInRequest
from voiphistory.web.upstream_errors import upstream_failure


def _create(request: SignedInRequest, **fields) -> Job | None:
    """The new job, audited as requested; None when the job queue is down (nothing was created)."""
    actor = Actor.of(request)

    def requested(job: Job) -> None:
        action = Action.BULK_DELETE if job.is_deletion else Action.EXPORT
        detail = {
            "job": job.pk,
            "kind": job.kind,
            "query": job.query,
            "scope": job.scope,
            "count": job.confirmed_count,
        }
        audit.record(actor=actor, action=action, section=job.section, ids=job.ids or (), detail=detail)

    try:
        return services.job_create(
            owner=request.user,
            account=request.account,
            sealed_token=tokens.sealed_token(request.session),
            time_zone=session_time_zone(request),
            requested=requested,
            **fields,
        )
    except broker.JobsPaused:
        return None


def _job_or_404(request: SignedInRequest, id: int) -> Job:
    """The owner's job; another supervisor's job does not exist as far as they can tell."""
    job = selectors.job_of(owner=request.user, id=id)
    if job is None:
        raise Http404("No such job")
    return job


def _show(request: SignedInRequest, job: Job) -> HttpResponse:
    if wants_fragment(request):
        return render(request, "jobs/job.html#panel", {"job": job, "fragment": True})
    return redirect("jobs:detail", job.pk)


def _confirm(request: SignedInRequest, context: dict) -> HttpResponse:
    return render(
        request, "jobs/confirm.html#confirm" if wants_fragment(request) else "jobs/confirm.html", context
    )


@require_POST
def start(request: SignedInRequest) -> HttpResponse:
    """Start a bulk delete, export or archive from a table. Deleting everything matching and
    exports first show their scope (filters in words, zone, count, first rows) to confirm.

    Exports and archives are reads, open to read-only accounts; deletes are refused to them here,
    before any job exists or anything is asked of VoIPstudio."""
    if request.POST.get("action", "").startswith("delete") and not request.account.can_write:
        return refused(request)
    form = BulkForm(request.POST)
    context = {"form": form, **fragment_context(request)}
    if not form.is_valid():
        context["error_message"] = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _confirm(request, context)
    if form.kind == "delete" and (
        refusal := capabilities.delete_refusal(
            section=form.section_obj, customer_id=request.account.customer_id
        )
    ):
        context["error_message"] = (
            f"{refusal}."  # learnt from an earlier refusal: no job, no request upstream
        )
        return _confirm(request, context)
    if form.shows_scope:
        return _start_with_scope(request, form, context)
    section, data = form.section_obj, form.cleaned_data
    ids: list[int] | None = None if form.matching else data["ids"]
    if ids is None and (problem := _query_problem(request, section, data["query"])):
        context["error_message"] = problem
        return _confirm(request, context)
    if form.kind == "delete" and ids is not None:  # ticked rows (all matching showed its scope above):
        # many of them want their count typed
        asked = selection_confirmation(count=len(ids), confirm=data["confirm"])
        if not asked.confirmed:
            context.update(count=asked.count, section=section, needs_typing=True, deleting=True)
            return _confirm(request, context)
    job = _create(request, kind=form.kind, section=section.slug, query=data["query"], ids=ids)
    if job is None:
        context["error_message"] = broker.PAUSED_MESSAGE
        return _confirm(request, context)
    return _show(request, job)


def _query_problem(request: SignedInRequest, section: Section, query: str) -> str:
    """Why the table's query cannot be run ("" when it can): a job checks it as the table does
    (days in range…), so a query the worker would refuse never becomes a job."""
    with upstream_failure() as failed:
        try:
            users = user_names(client=client_for(request), customer_id=request.account.customer_id)
            zone = timezone.get_current_timezone_name()
            selectors.table_query(section=section, query=query, time_zone=zone, users=users)
        except ValueError as error:
            return _query_error(error)
    return failed.message


def _query_error(error: ValueError) -> str:
    detail = f": {error}" if isinstance(error, selectors.InvalidTableQuery) else "."
    return f"The table's filters need fixing before anything can be done with them{detail}"


def _start_with_scope(request: SignedInRequest, form: BulkForm, context: dict) -> HttpResponse:
    section, data = form.section_obj, form.cleaned_data
    deleting = form.kind == "delete"
    with upstream_failure() as failed:
        try:
            client = client_for(request)
            users = user_names(client=client, customer_id=request.account.customer_id)
            zone = timezone.get_current_timezone_name()
            scope = selectors.job_scope(
                client=client,
                section=section,
                query=data["query"],
                time_zone=zone,
                users=users,
                deleting=deleting,
            )
        except ValueError as error:
            context["error_message"] = _query_error(error)
            return _confirm(request, context)
    if failed:
        context["error_message"] = failed.message
        return _confirm(request, context)
    asked = scope_confirmation(
        count=scope.count, deleting=deleting, confirm=data["confirm"], shown_count=data["count"]
    )
    if not asked.confirmed or not scope.count:
        context.update(
            scope=scope,
            count=scope.count,
            section=section,
            needs_typing=asked.needs_typing,
            deleting=deleting,
            changed_from=asked.changed_from,
            xlsx_max_rows=xlsxfile.MAX_ROWS,
            users=users,
            undo_seconds=settings.JOBS_UNDO_SECONDS,
        )
        if not deleting:
            extension = "xlsx" if form.kind == Job.Kind.XLSX_EXPORT else "csv"
            context["file_name"] = scope_words.file_name(section.title, scope.first, scope.last, extension)
        return _confirm(request, context)
    job = _create(
        request,
        kind=form.kind,
        section=section.slug,
        query=data["query"],
        scope=scope.words,
        confirmed_count=scope.count,
    )
    if job is None:
        context["error_message"] = broker.PAUSED_MESSAGE
        return _confirm(request, context)
    return _show(request, job)


@require_safe
@vary_on_headers("HX-Request")
def job_list(request: SignedInRequest) -> HttpResponse:
    jobs = list(selectors.jobs_of(owner=request.user))
    context = {"jobs": jobs, "active": any(job.is_active for job in jobs), **fragment_context(request)}
    if wants_fragment(request):
        return render(
            request, "jobs/jobs.html#list", context, status=200 if context["active"] else STOP_POLLING
        )
    return render(request, "jobs/jobs.html", context)


@require_safe
@vary_on_headers("HX-Request")
def detail(request: SignedInRequest, id: int) -> HttpResponse:
    job = _job_or_404(request, id)
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
def cancel(request: SignedInRequest, id: int) -> HttpResponse:
    job = _job_or_404(request, id)
    if services.job_cancel(job=job):
        messages.info(
            request, "Cancelled." if job.started_at is None else "Cancelled: it stops after the part in hand."
        )
    else:
        messages.warning(request, "The job had already ended.")
    return _show(request, job)


@require_safe
def download(request: SignedInRequest, id: int) -> HttpResponseBase:
    """The job's file, for its owner only (404 for anyone else), until it expires."""
    job = _job_or_404(request, id)
    path = Path(job.result_path) if job.result_path else None
    expired = job.expires_at is None or job.expires_at <= timezone.now()
    if job.status != Job.Status.SUCCEEDED or path is None or expired or not path.is_file():
        raise Http404("This download has expired or does not exist")
    detail = {"job": job.pk, "file": job.result_name}
    audit.record(actor=Actor.of(request), action=Action.DOWNLOAD, section=job.section, detail=detail)
    response = FileResponse(open(path, "rb"), as_attachment=True)  # noqa: SIM115 (FileResponse closes it)
    response["Content-Disposition"] = attachment_header(job.result_name, fallback=f"job-{job.pk}")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@writer_required
def danger(request: SignedInRequest) -> HttpResponse:
    """Whole-collection deletes, each behind a typed phrase, after the undo window."""
    form = DeleteAllForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        slug = form.cleaned_data["collection"]
        title = next(c.title for c in WIPEABLE if c.slug == slug)
        scope = f"All {title.lower()}, for everyone in your organisation"
        job = _create(request, kind=Job.Kind.DELETE_ALL, section=slug, scope=scope)
        if job is not None:
            return _show(request, job)
        form.add_error("confirm", broker.PAUSED_MESSAGE)
    client = client_for(request)  # how many each button deletes, where VoIPstudio says (None: it does not)
    items = [
        {
            "collection": c,
            "phrase": DeleteAllForm.phrase(c.slug),
            "count": selectors.collection_count(client=client, slug=c.slug),
        }
        for c in WIPEABLE
    ]
    context = {"form": form, "items": items, **fragment_context(request)}
    template = "jobs/danger.html#forms" if wants_fragment(request) else "jobs/danger.html"
    return render(request, template, context)


@require_POST
def user_export(request: SignedInRequest) -> HttpResponse:
    """VoIPstudio's own export of the signed-in user's calls: it prepares and delivers the CSV."""
    with upstream_failure() as failed:
        client_for(request).users.request_cdrs_csv(request.account.user_id)
    if failed:
        messages.error(request, failed.message)
    else:
        messages.success(request, "VoIPstudio is preparing your calls export and will deliver it to you.")
    return redirect("jobs:list")
