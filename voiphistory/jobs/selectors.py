"""Reads for jobs: a supervisor's jobs, and what a job's table query matches upstream."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from voiphistory.history import call_window, selectors as history_selectors
from voiphistory.history.catalog import BY_SLUG, WIPEABLE_BY_SLUG, Collection, Section
from voiphistory.history.filters import TableQuery
from voiphistory.history.user_names import user_names
from voiphistory.jobs import scope
from voiphistory.jobs.models import Job
from voiphistory.voipstudio import Filter, Unauthorized, VoipstudioClient, VoipstudioError

RECENT_JOBS = 50


class InvalidTableQuery(ValueError):
    """The table's query has filters the table refuses (a day out of range…): no job may run it.
    The message is the table's own words for what needs fixing."""


PREVIEW_ROWS = 5


def jobs_of(*, owner) -> QuerySet[Job]:
    return Job.objects.filter(owner=owner)[:RECENT_JOBS]


def job_of(*, owner, id: int) -> Job | None:
    """The owner's job, or None: another supervisor's job does not exist as far as a view knows."""
    return Job.objects.filter(owner=owner, pk=id).first()


def section_of(job: Job) -> Section:
    return BY_SLUG[job.section]


def wipeable_of(job: Job) -> Collection:
    return WIPEABLE_BY_SLUG[job.section]


def table_query(
    *, section: Section, query: str, time_zone: str, users: Mapping[int, str]
) -> tuple[TableQuery, list[Filter]]:
    """The table's ``TableQuery`` and the API filters it makes, both in the supervisor's zone
    (date presets depend on it). Raises ``InvalidTableQuery`` when the table would not accept the query."""
    with timezone.override(ZoneInfo(time_zone)):
        form = TableQuery(section, QueryDict(query), users=users)
        if not form.is_valid():
            raise InvalidTableQuery(_errors_in_words(form))
        return form, form.api_filters()


def _errors_in_words(form: TableQuery) -> str:
    """What needs fixing, as the table says it: "To: Choose a day between 1 Jan 2000 and …"."""
    words = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        words += [f"{label}: {error}" if label else str(error) for error in errors]
    return " ".join(words)


def query_filters(*, job: Job, client: VoipstudioClient) -> tuple[TableQuery, list[Filter]]:
    users = user_names(client=client, customer_id=job.customer_id)
    return table_query(section=section_of(job), query=job.query, time_zone=job.time_zone, users=users)


def collection_count(*, client: VoipstudioClient, slug: str) -> int | None:
    """How many items a whole collection holds now; None where it cannot be listed or did not say."""
    collection = getattr(client, WIPEABLE_BY_SLUG[slug].collection)
    if "list" not in collection.operations:
        return None
    try:
        return collection.page(limit=1).total
    except Unauthorized:
        raise
    except VoipstudioError:  # an optional list (chat messages…) may be refused: the button still works
        return None


def matching_count(*, client: VoipstudioClient, section: Section, filters: list[Filter]) -> int:
    collection = getattr(client, section.collection)
    return collection.page(limit=1, filters=filters).total


def matching_ids(*, job: Job, client: VoipstudioClient) -> list[int]:
    """Every id the job's table query matches, oldest id first: on a Calls table that lists calls,
    every leg of every matching call (history.call_window), so no call is left half deleted."""
    form, filters = query_filters(job=job, client=client)
    collection = getattr(client, section_of(job).collection)
    if form.shows_calls:
        return call_leg_ids(collection, form)
    return [
        item.id for item in collection.iterate(filters=filters, sort="id", direction="ASC", page_size=1000)
    ]


def call_leg_ids(collection, form: TableQuery) -> list[int]:
    return sorted(
        leg.id for call in call_window.matching_calls(collection, form, limited=False) for leg in call.legs
    )


@dataclass(frozen=True)
class Scope:
    """What a confirmation shows: the filters in words, the zone, the count, the first rows."""

    query: TableQuery
    words: str
    time_zone: str
    count: int
    preview: list
    first: date | None = None  # the first and last day covered (for the file name), or None
    last: date | None = None
    shown: int = 0  # the rows the table shows: calls, when ``count`` is the legs a deletion acts on


def job_scope(
    *,
    client: VoipstudioClient,
    section: Section,
    query: str,
    time_zone: str,
    users: Mapping[int, str],
    deleting: bool,
) -> Scope:
    """The scope of a job the table's ``query`` would start, as the supervisor's table shows it
    (first page, its sort and columns). The count is what the job acts on: the rows the table
    (and so the export) holds, or the items a deletion lists (``matching_ids``). Raises
    ``ValueError`` for filters the table refuses."""
    first_page = QueryDict(query, mutable=True)
    first_page.pop("page", None)
    form, filters = table_query(
        section=section, query=first_page.urlencode(), time_zone=time_zone, users=users
    )
    zone = ZoneInfo(time_zone)
    with timezone.override(zone):
        words = scope.scope_words(form, zone)
        page = history_selectors.table_page(client=client, section=section, query=form)
    first, last = scope.period(filters, section.date_field, zone)
    count = matching_count(client=client, section=section, filters=filters) if deleting else page.total
    if deleting and form.shows_calls:  # the legs of the calls listed, as matching_ids deletes them
        count = len(call_leg_ids(getattr(client, section.collection), form))
    return Scope(
        form, words, time_zone, count, list(page.items[:PREVIEW_ROWS]), first, last, shown=page.total
    )
