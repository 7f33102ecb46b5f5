"""Reads for jobs: a supervisor's jobs, and what a job's table query matches upstream."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from voiphistory.history import selectors as history_selectors
from voiphistory.history.catalog import BY_SLUG, WIPEABLE_BY_SLUG, Collection, Section
from voiphistory.history.forms import TableQuery
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import Filter, Forbidden, VoipstudioClient

RECENT_JOBS = 50


def jobs_of(*, owner) -> QuerySet[Job]:
    return Job.objects.filter(owner=owner)[:RECENT_JOBS]


def job_of(*, owner, id: int) -> Job:
    """The owner's job, or 404: another supervisor's job does not exist as far as a view knows."""
    job = Job.objects.filter(owner=owner, pk=id).first()
    if job is None:
        raise Http404("No such job")
    return job


def section_of(job: Job) -> Section:
    return BY_SLUG[job.section]


def wipeable_of(job: Job) -> Collection:
    return WIPEABLE_BY_SLUG[job.section]


def users_of(*, client: VoipstudioClient, customer_id: int) -> dict[int, str]:
    try:
        return history_selectors.user_directory(client=client, customer_id=customer_id)
    except Forbidden:
        return {}


def table_query(
    *, section: Section, query: str, time_zone: str, users: dict[int, str]
) -> tuple[TableQuery, list[Filter]]:
    """The table's ``TableQuery`` and the API filters it makes, both in the supervisor's zone
    (date presets depend on it). Raises ``ValueError`` when the table would not accept the query."""
    with timezone.override(ZoneInfo(time_zone)):
        form = TableQuery(section, QueryDict(query), users=users)
        if not form.is_valid():
            raise ValueError("the table's filters are not valid")
        return form, form.api_filters()


def query_filters(*, job: Job, client: VoipstudioClient) -> tuple[TableQuery, list[Filter]]:
    users = users_of(client=client, customer_id=job.customer_id)
    return table_query(section=section_of(job), query=job.query, time_zone=job.time_zone, users=users)


def matching_count(*, client: VoipstudioClient, section: Section, filters: list[Filter]) -> int:
    collection = getattr(client, section.collection)
    return collection.page(limit=1, filters=filters).total


def matching_ids(*, job: Job, client: VoipstudioClient) -> list[int]:
    """Every id the job's table query matches, oldest id first."""
    _form, filters = query_filters(job=job, client=client)
    collection = getattr(client, section_of(job).collection)
    return [item.id for item in collection.iterate(filters=filters, sort="id", direction="ASC", page_size=1000)]
