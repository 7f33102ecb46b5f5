"""Collections, single resources, writes and deletes: one generic set of handlers over ``Resource``."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse

from voiphistory.emulator import clock, dialects, resources as r
from voiphistory.emulator.auth import ApiRequest, api_endpoint
from voiphistory.emulator.errors import ApiError, json_response, no_content
from voiphistory.emulator.models import Monitor, Note, VoiceMessage
from voiphistory.emulator.paging import apply
from voiphistory.emulator.query import parse_collection_query
from voiphistory.emulator.resources import Resource
from voiphistory.emulator.views_account import json_body

_IDS = re.compile(r"^[1-9]\d{0,18}(,[1-9]\d{0,18})*$")
# PATCH takes the word in both dialects; the number a response shows is the dialect's (dialects.py).
_SENTIMENTS = {"negative": Monitor.NEGATIVE, "neutral": Monitor.NEUTRAL, "positive": Monitor.POSITIVE}
_MAX_TEXT = 65535


def customer_of(request: ApiRequest) -> int:
    return request.api_user.customer_id


def list_response(request: ApiRequest, resource: Resource) -> HttpResponse:
    query = parse_collection_query(request.GET, resource)
    matching, page = apply(query, resource.queryset(customer_of(request)))
    rows = resource.serialise(page.rows(list(resource.fields.values())))
    if rows and len(rows) < query.limit or (not rows and query.offset == 0):
        total = query.offset + len(rows)  # the last page: no need to count
    else:
        total = page.total(matching)
    return json_response({"data": rows, "total": total})


def parse_ids(raw: str) -> list[int]:
    if not _IDS.match(raw):
        raise ApiError(404)
    return [int(part) for part in raw.split(",")]


def fetch_one(request: ApiRequest, resource: Resource, raw_id: str) -> dict:
    ids = parse_ids(raw_id)
    if len(ids) != 1:
        raise ApiError(404)
    rows = list(resource.queryset(customer_of(request)).filter(pk=ids[0]).values(*resource.fields.values()))
    if not rows:
        raise ApiError(404)
    return resource.serialise(rows)[0]


def one_response(data: dict) -> HttpResponse:
    return json_response({"data": data, "links": {}})


def delete_by_ids(request: ApiRequest, resource: Resource, raw_ids: str) -> HttpResponse:
    ids = set(parse_ids(raw_ids))
    rows = resource.queryset(customer_of(request)).filter(pk__in=ids)
    with transaction.atomic():
        if settings.EMULATOR_DELETE_UNKNOWN == "404" and rows.count() != len(ids):
            raise ApiError(404)
        rows.delete()
    return no_content()


def delete_everything(request: ApiRequest, resource: Resource, *, asynchronous: bool) -> HttpResponse:
    """Whole-collection delete. Monitors and voicemessages answer 202 and finish a moment later."""
    rows = resource.queryset(customer_of(request))
    if not asynchronous:
        rows.delete()
        return no_content()
    ids = list(rows.values_list("pk", flat=True))

    def finish() -> None:
        resource.model._default_manager.filter(pk__in=ids).delete()

    clock.after(settings.EMULATOR_ASYNC_DELETE_SECONDS, finish, name=f"delete-all-{resource.name}")
    return no_content(202)


# --- Collections -------------------------------------------------------------------------------


@api_endpoint("GET", "PATCH", "DELETE")
def cdrs(request: ApiRequest) -> HttpResponse:
    if request.method == "PATCH":
        return bulk_patch(request, r.CDRS, _cdr_changes)
    if request.method == "DELETE":
        return delete_everything(request, r.CDRS, asynchronous=False)
    return list_response(request, r.CDRS)


@api_endpoint("GET", "PATCH", "DELETE")
def voicemessages(request: ApiRequest) -> HttpResponse:
    if request.method == "PATCH":
        return bulk_patch(request, r.VOICEMESSAGES, _voicemessage_changes)
    if request.method == "DELETE":
        return delete_everything(request, r.VOICEMESSAGES, asynchronous=True)
    return list_response(request, r.VOICEMESSAGES)


@api_endpoint("GET", "DELETE")
def monitors(request: ApiRequest) -> HttpResponse:
    if request.method == "DELETE":
        return delete_everything(request, r.MONITORS, asynchronous=True)
    return list_response(request, r.MONITORS)


@api_endpoint("GET", "DELETE")
def chatmsgs(request: ApiRequest) -> HttpResponse:
    if request.method == "DELETE":
        return delete_everything(request, r.CHATMSGS, asynchronous=False)
    return list_response(request, r.CHATMSGS)


@api_endpoint("DELETE")
def statements(request: ApiRequest) -> HttpResponse:
    return delete_everything(request, r.STATEMENTS, asynchronous=False)


@api_endpoint("GET")
def collection(request: ApiRequest, resource: Resource) -> HttpResponse:
    return list_response(request, resource)


@api_endpoint("GET")
def dictionaries(request: ApiRequest, name: str) -> HttpResponse:
    write = dialects.active().dictionary
    return json_response({"data": {field: write(pairs) for field, pairs in r.DICTIONARIES[name].items()}})


# --- Single resources --------------------------------------------------------------------------


@api_endpoint("GET", "DELETE")
def item(request: ApiRequest, resource: Resource, ids: str) -> HttpResponse:
    if request.method == "DELETE":
        return delete_by_ids(request, resource, ids)
    return one_response(fetch_one(request, resource, ids))


@api_endpoint("GET")
def read_only_item(request: ApiRequest, resource: Resource, ids: str) -> HttpResponse:
    return one_response(fetch_one(request, resource, ids))


@api_endpoint("GET", "PATCH", "DELETE")
def monitor(request: ApiRequest, ids: str) -> HttpResponse:
    if request.method == "DELETE":
        return delete_by_ids(request, r.MONITORS, ids)
    if request.method == "PATCH":
        current = fetch_one(request, r.MONITORS, ids)
        changes = _monitor_changes(json_body(request))
        Monitor.objects.filter(pk=current["id"]).update(**changes)
        return one_response(fetch_one(request, r.MONITORS, ids))
    return one_response(fetch_one(request, r.MONITORS, ids))


@api_endpoint("GET")
def cdr_notes(request: ApiRequest, id: str) -> HttpResponse:
    cdr = fetch_one(request, r.CDRS, id)
    stored = Note.objects.filter(cdr_id=cdr["id"]).order_by("created_at", "id")
    write = dialects.active().note
    notes = [
        write(note) for note in stored.values("id", "cdr_id", "user_id", "user_name", "note", "created_at")
    ]
    return json_response({"data": notes, "total": len(notes)})


@api_endpoint("GET")
def user_cdrs_csv(request: ApiRequest, id: str) -> HttpResponse:
    """VoIPstudio prepares this export itself and delivers it out of band; it answers the user."""
    user = fetch_one(request, r.USERS, id)
    return one_response(user)


# --- Writes --------------------------------------------------------------------------------------


def bulk_patch(request: ApiRequest, resource: Resource, changes_of) -> HttpResponse:
    """[BULK] PATCH: a JSON array of ``{"id", …}``; every item is validated before anything changes."""
    body = json_body(request)
    if not isinstance(body, list) or not body:
        raise ApiError(400, "Validation error", field="body", detail="Expected a non-empty JSON array.")
    errors, planned = [], {}
    for index, entry in enumerate(body):
        if (
            not isinstance(entry, dict)
            or isinstance(entry.get("id"), bool)
            or not isinstance(entry.get("id"), int)
        ):
            errors.append({"field": f"[{index}].id", "message": "This value should be an integer."})
            continue
        try:
            planned[entry["id"]] = changes_of({k: v for k, v in entry.items() if k != "id"})
        except ApiError as error:
            errors.extend({**e, "field": f"[{index}].{e['field']}"} for e in error.errors)
    if errors:
        raise ApiError(400, "Validation error", errors=errors)
    rows = resource.queryset(customer_of(request)).filter(pk__in=planned)
    with transaction.atomic():
        if rows.count() != len(planned):
            raise ApiError(404)
        for pk, changes in planned.items():
            resource.model._default_manager.filter(pk=pk).update(**changes)
    updated = resource.queryset(customer_of(request)).filter(pk__in=planned).order_by("id")
    return json_response({"data": resource.serialise(list(updated.values(*resource.fields.values())))})


def _reject_unknown(body: dict, allowed: set[str]) -> list[dict[str, str]]:
    return [{"field": key, "message": "This field was not expected."} for key in body if key not in allowed]


def _text_error(body: dict, key: str) -> list[dict[str, str]]:
    value = body[key]
    if not isinstance(value, str):
        return [{"field": key, "message": "This value should be of type string."}]
    if len(value) > _MAX_TEXT:
        return [
            {
                "field": key,
                "message": f"This value is too long. It should have {_MAX_TEXT} characters or less.",
            }
        ]
    return []


def _cdr_changes(body: dict) -> dict:
    errors = _reject_unknown(body, {"info"})
    if "info" in body:
        errors += _text_error(body, "info")
    if errors:
        raise ApiError(400, "Validation error", errors=errors)
    return {key: body[key] for key in body}


def _voicemessage_changes(body: dict) -> dict:
    errors = _reject_unknown(body, {"folder"})
    dialect = dialects.active()
    number = dialect.folder_named(body.get("folder"))
    if number is None:
        choices = ", ".join(dialect.folder_names)
        errors.append(
            {"field": "folder", "message": f"The value you selected is not a valid choice ({choices})."}
        )
    if errors:
        raise ApiError(400, "Validation error", errors=errors)
    changes: dict[str, object] = {"folder": number}
    if number == VoiceMessage.OLD:  # Asterisk's "Old" folder holds heard messages
        changes["is_new"] = False
    elif number == VoiceMessage.INBOX:  # and its INBOX the new ones: moving back marks a message new
        changes["is_new"] = True
    return changes


def _monitor_changes(body: object) -> dict:
    if not isinstance(body, dict):
        raise ApiError(400, "Validation error", field="body", detail="Expected a JSON object.")
    errors = _reject_unknown(
        body, {"transcript", "transcript_speakers", "summary", "sentiment", "cx_score", "metadata"}
    )
    for key in ("transcript", "transcript_speakers", "summary"):
        if key in body:
            errors += _text_error(body, key)
    changes = {
        key: body[key] for key in ("transcript", "transcript_speakers", "summary", "metadata") if key in body
    }
    if "sentiment" in body:
        sentiment = body["sentiment"]
        if sentiment is None:
            changes["sentiment"] = None
        elif isinstance(sentiment, str) and sentiment.lower() in _SENTIMENTS:
            changes["sentiment"] = _SENTIMENTS[sentiment.lower()]
        else:
            errors.append(
                {
                    "field": "sentiment",
                    "message": "The value you selected is not a valid choice (negative, neutral, positive).",
                }
            )
    if "cx_score" in body:
        score = body["cx_score"]
        if score is None:
            changes["cx_score"] = None
        elif isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
            errors.append({"field": "cx_score", "message": "This value should be between 0 and 100."})
        else:
            changes["cx_score"] = score
    if "metadata" in body and body["metadata"] is not None and not isinstance(body["metadata"], dict):
        errors.append({"field": "metadata", "message": "This value should be a JSON object."})
    if errors:
        raise ApiError(400, "Validation error", errors=errors)
    return changes
