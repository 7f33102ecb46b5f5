from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from voiphistory.ops import checks


@login_not_required  # load balancers and compose ask without signing in
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """200 when every checked part answers, else 503 naming the parts that do not (each result
    may be up to HEALTH_CACHE_SECONDS old: see ``checks``).

    ``?only=database,redis`` checks a subset: the container health check uses it so that a
    web replica is not restarted because VoIPstudio or the worker is down.
    """
    only = [name.strip() for name in request.GET.get("only", "").split(",") if name.strip()]
    unknown = sorted(set(only) - set(checks.CHECKS))
    if unknown:
        return JsonResponse({"status": "error", "error": f"unknown check: {', '.join(unknown)}"}, status=400)
    results = checks.run(only or list(checks.CHECKS), max_age=settings.HEALTH_CACHE_SECONDS)
    failing = [name for name, result in results.items() if result.problem]
    now = time.monotonic()
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {
            name: {
                "ok": result.problem is None,
                "age_seconds": round(now - result.checked_at, 1),
                **({"error": result.problem} if result.problem else {}),
            }
            for name, result in results.items()
        },
    }
    return JsonResponse(body, status=503 if failing else 200)
