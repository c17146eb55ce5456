"""The floor: the cases list's page, answered by hand — one SQL query through psycopg, json.dumps.

``GET /api/v1/cases/?status=<s>&page_size=50`` returns the same fields, the same rows
(status filter, newest id first, 50 per page) and the same envelope as Talus's
``CaseViewSet``; no authentication, no role, no audit, no DRF. Talus can only be slower:
the ratio Talus/floor says how much of a request the framework and the clinic's rules cost.
"""

from __future__ import annotations

import json

import psycopg
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

_conn: psycopg.Connection | None = None

SQL = """
SELECT id, patient_id, side, status, urgency, assigned_physio_id,
       opened_at, discharged_at, updated_at
  FROM clinic_case
 WHERE status = %s
 ORDER BY id DESC
 LIMIT %s
"""
FIELDS = (
    "id",
    "patient",
    "side",
    "status",
    "urgency",
    "assigned_physio",
    "opened_at",
    "discharged_at",
    "updated_at",
)


def _connection() -> psycopg.Connection:
    """One connection per gunicorn worker, kept open (as CONN_MAX_AGE does for Talus)."""
    global _conn
    if _conn is None or _conn.closed:
        db = settings.DATABASES["default"]
        _conn = psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        )
    return _conn


def _iso(value):
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def cases(request):
    status = request.GET.get("status", "open")
    size = min(int(request.GET.get("page_size", 50)), 200)
    rows = _connection().execute(SQL, (status, size + 1)).fetchall()
    results = [
        dict(zip(FIELDS, (*row[:6], _iso(row[6]), _iso(row[7]), _iso(row[8])), strict=True))
        for row in rows[:size]
    ]
    following = f"?cursor=after-{rows[size - 1][0]}" if len(rows) > size else None
    body = json.dumps({"next": following, "previous": None, "results": results})
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("api/v1/cases/", cases)]
