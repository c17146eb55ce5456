"""``AnyOf``: a column compared with a list of values sent as one array parameter."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    """``column = ANY(%s)``, the values one array parameter, on PostgreSQL; ``IN`` elsewhere.

    ``filter(AnyOf(F("pk"), ids))`` asks what ``filter(pk__in=ids)`` asks. With a list
    ``__in`` sends a placeholder per value: for a page's few hundred ids Django prepares each
    one and the driver splits and quotes the statement around each placeholder (about 2 ms of
    the diary's day, docs/benchmarks.md). PostgreSQL plans ``IN (…)`` as ``= ANY(array)``:
    the plan is the same. The values must already be the column's type (ids, as ints).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs, rhs: Iterable) -> None:
        super().__init__(lhs, list(rhs))

    def as_sql(self, compiler, connection):
        return compiler.compile(In(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)
