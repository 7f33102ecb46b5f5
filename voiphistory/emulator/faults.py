"""Fault injection, switchable at run time, so tests and demos can show a bad day at VoIPstudio.

``POST /_emulator/faults`` with a JSON rule adds it; ``GET`` lists them; ``DELETE`` clears them all.
A rule: ``{"path": regex searched in the API path (e.g. "^/cdrs"), "method": "GET", "status": 503,
"rate": 0.5, "latency_ms": 2000, "retry_after": 5, "malformed": true, "truncate_bytes": 4096,
"remaining": 3}``; every key is optional. Rules live in the emulator's database, so every worker
process sees the same ones.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from voiphistory.emulator.errors import ApiError, json_response
from voiphistory.emulator.models import FaultRule

API_PREFIX = re.compile(r"^/v1\.[12]/voipstudio")
_RULE_FIELDS = (
    "path",
    "method",
    "status",
    "rate",
    "latency_ms",
    "retry_after",
    "malformed",
    "truncate_bytes",
    "remaining",
)
_random = random.SystemRandom()


# What a view answers: a whole body, or a streamed one (the recordings).
Response = HttpResponse | StreamingHttpResponse


class FaultInjectionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], Response]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Response:
        prefix = API_PREFIX.match(request.path_info)
        if prefix is None:
            return self.get_response(request)
        rule = _matching_rule(request.method, request.path_info[prefix.end() :])
        if rule is None:
            return self.get_response(request)
        if rule.latency_ms:
            time.sleep(rule.latency_ms / 1000)
        if rule.status:
            error = ApiError(rule.status).response()
            if rule.retry_after is not None:
                error["Retry-After"] = str(rule.retry_after)
            return error
        if rule.malformed:
            return HttpResponse(b'{"data": [{"id": 1, "calldate": "20', content_type="application/json")
        response = self.get_response(request)
        if rule.truncate_bytes is not None:
            return _truncated(response, rule.truncate_bytes)
        return response


def _matching_rule(method: str | None, api_path: str) -> FaultRule | None:
    for rule in FaultRule.objects.order_by("id"):
        if rule.method and rule.method.upper() != method:
            continue
        if rule.path and not re.search(rule.path, api_path):
            continue
        if rule.rate < 1.0 and _random.random() >= rule.rate:
            continue
        if rule.remaining is not None and not _consume(rule):
            continue
        return rule
    return None


def _consume(rule: FaultRule) -> bool:
    """Take one use of a counted rule; False when another request took the last one."""
    with transaction.atomic():
        taken = FaultRule.objects.filter(pk=rule.pk, remaining__gt=0).update(remaining=F("remaining") - 1)
        FaultRule.objects.filter(pk=rule.pk, remaining__lte=0).delete()
    return bool(taken)


def _truncated(response: Response, limit: int) -> StreamingHttpResponse:
    """Send the first ``limit`` bytes, then drop the connection, as a failing upstream would."""
    chunks: Iterable[bytes]
    if isinstance(response, StreamingHttpResponse):
        chunks = response  # iterating it reads streaming_content (the emulator's bodies are sync)
        length = response.get("Content-Length")
    else:
        chunks = [response.content]
        length = response.get("Content-Length") or str(len(response.content))

    def cut() -> Iterator[bytes]:
        sent = 0
        for chunk in chunks:
            if sent + len(chunk) >= limit:
                yield chunk[: limit - sent]
                raise ConnectionAbortedError("emulator fault: body cut off")
            sent += len(chunk)
            yield chunk

    truncated = StreamingHttpResponse(
        cut(), status=response.status_code, content_type=response["Content-Type"]
    )
    if length:
        truncated["Content-Length"] = length
    return truncated


def faults(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return json_response({"data": list(FaultRule.objects.order_by("id").values("id", *_RULE_FIELDS))})
    if request.method == "DELETE":
        FaultRule.objects.all().delete()
        return HttpResponse(status=204)
    if request.method != "POST":
        return ApiError(405).response()
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict) or set(body) - set(_RULE_FIELDS):
            raise ValueError(f"a rule takes only {', '.join(_RULE_FIELDS)}")
        if "path" in body:
            re.compile(body["path"])
        rule = FaultRule(**body)
        rule.full_clean()
    except (ValueError, TypeError, re.error, ValidationError) as error:
        return ApiError(400, f"Invalid fault rule: {error}").response()
    rule.save()
    return json_response(
        {"data": {"id": rule.id, **{name: getattr(rule, name) for name in _RULE_FIELDS}}}, status=201
    )


def health(request: HttpRequest) -> HttpResponse:
    return json_response({"status": "ok"})
