"""Timestamps parsed by psycopg's C loader, with Django's time-zone rule kept.

Django's PostgreSQL backend registers its own ``timestamptz`` loader on every connection
(``psycopg_any.BaseTzLoader``) to give each value the connection's zone object: a
subclass of psycopg's *pure-Python* loader, since the C one cannot be subclassed. So
every timestamp Talus reads was parsed in Python, 153 of them per page of cases (about a
tenth of the list's Python time; docs/benchmarks.md). This loader hands the parsing to
whatever loader psycopg itself registered (the C one when psycopg's binary package is
installed, as pyproject.toml asks) and then applies Django's rule unchanged:
``value.replace(tzinfo=<the connection's zone>)``. 600 values: 3.0 ms → 1.5 ms.

``install()`` runs from ``ClinicConfig.ready()``, before any connection exists. If
Django's hook is ever renamed, it does nothing and Django's loader stays (a test fails,
so that it is noticed).
"""

from __future__ import annotations

import psycopg
from psycopg import pq
from psycopg.adapt import Loader
from psycopg.postgres import types

TIMESTAMPTZ_OID = types["timestamptz"].oid


class TzLoader(Loader):
    """Parse with psycopg's registered loader, then set the zone as Django does."""

    timezone = None  # set per zone by Django's register_tzloader() subclass

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        parser = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, pq.Format.TEXT)
        self._parse = parser(oid, context).load

    def load(self, data):
        return self._parse(data).replace(tzinfo=self.timezone)


def install() -> bool:
    try:
        from django.db.backends.postgresql import psycopg_any
    except ImportError:  # no psycopg: nothing to speed up
        return False
    if not hasattr(psycopg_any, "BaseTzLoader") or not hasattr(
        psycopg_any, "get_adapters_template"
    ):
        return False
    psycopg_any.BaseTzLoader = TzLoader
    psycopg_any.get_adapters_template.cache_clear()
    return True
