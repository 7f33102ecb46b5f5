"""Jobs: start one from a table, watch it, cancel it, download what it made; the danger zone."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from voiphistory.accounts.middleware import TIME_ZONE_KEY
from voiphistory.accounts.upstream import SESSION_KEY, client_for
from voiphistory.audit import services as audit
from voiphistory.audit.models import Action
from voiphistory.history.catalog import WIPEABLE
from voiphistory.history.messages import upstream_message
from voiphistory.history.views.common import fragment_context, wants_fragment
from voiphistory.jobs import selectors, services
from voiphistory.jobs.forms import BulkForm, DeleteAllForm
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import Unauthorized, VoipstudioError

STOP_POLLING = 286  # htmx: this answer is the last one


def _create(request: HttpRequest, **fields) -> Job:
    job = services.job_create(
        owner=request.user, account=request.account, sealed_token=request.session[SESSION_KEY]["token"],
        time_zone=request.session.get(TIME_ZONE_KEY) or "UTC", **fields,
    )  # fmt: skip
    action = Action.BULK_DELETE if job.is_deletion else Action.EXPORT
    audit.record(request, action=action, section=job.section, ids=job.ids or (),
                 detail={"job": job.pk, "kind": job.kind, "query": job.query})  # fmt: skip
    return job


def _show(request: HttpRequest, job: Job) -> HttpResponse:
    if wants_fragment(request):
        return render(request, "jobs/job.html#panel", {"job": job, "fragment": True})
    return redirect("jobs:detail", job.pk)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Start a bulk delete, export or archive from a table (after a typed confirmation when big)."""
    form = BulkForm(request.POST)
    context = {"form": form, **fragment_context(request)}
    if not form.is_valid():
        context["error_message"] = " ".join(e for errors in form.errors.values() for e in errors)
        return render(request, "jobs/confirm.html#confirm" if wants_fragment(request) else "jobs/confirm.html", context)
    section, data = form.section_obj, form.cleaned_data
    ids = None if form.matching else data["ids"]
    if form.kind == "delete":
        try:
            count = len(ids) if ids is not None else _matching_count(request, section, data["query"])
        except (ValueError, VoipstudioError) as error:
            if isinstance(error, Unauthorized):
                raise
            context["error_message"] = upstream_message(error) if isinstance(error, VoipstudioError) else str(error)
            count = None
        context.update(count=count, section=section, threshold=settings.JOBS_CONFIRM_THRESHOLD)
        needs_typing = count is not None and count > settings.JOBS_CONFIRM_THRESHOLD
        confirmed = data["confirm"] == (str(count) if needs_typing else "yes")
        if count is None or (ids is None or needs_typing) and not confirmed:
            template = "jobs/confirm.html#confirm" if wants_fragment(request) else "jobs/confirm.html"
            return render(request, template, {**context, "needs_typing": needs_typing})
    job = _create(request, kind=form.kind, section=section.slug, query=data["query"], ids=ids)
    return _show(request, job)


def _matching_count(request: HttpRequest, section, query: str) -> int:
    client = client_for(request)
    users = selectors.users_of(client=client, customer_id=request.account.customer_id)
    zone = timezone.get_current_timezone_name()  # the supervisor's, as the table they looked at
    try:
        _form, filters = selectors.table_query(section=section, query=query, time_zone=zone, users=users)
    except ValueError:
        raise ValueError("The table's filters need fixing before anything can be deleted.") from None
    return selectors.matching_count(client=client, section=section, filters=filters)


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
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=job.result_name)
    response["Cache-Control"] = "private, no-store"
    return response


def danger(request: HttpRequest) -> HttpResponse:
    """Whole-collection deletes, each behind a typed phrase, after the undo window."""
    form = DeleteAllForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        job = _create(request, kind=Job.Kind.DELETE_ALL, section=form.cleaned_data["collection"])
        return _show(request, job)
    items = [{"collection": c, "phrase": DeleteAllForm.phrase(c.slug)} for c in WIPEABLE]
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
