"""``/healthz``: do the database, the cache and the broker answer?"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.celery import app as celery_app


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    # The API still answers without it (clinic.throttling), but an operator must know.
    cache.set("talus:healthz", "ok", timeout=10)
    if cache.get("talus:healthz") != "ok":
        raise RuntimeError("The cache did not keep a value.")


def check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@never_cache
@require_GET
def healthz(request):
    """200 when every dependency answers; 503 naming the ones that did not."""
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure is a failed check; the body names which
            failed.append(name)
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})
