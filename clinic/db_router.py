"""Read replica routing, opt-in: set DATABASE_REPLICA_URL and reads go to the ``replica`` alias.

Only reads outside a transaction go to the replica. Talus runs every request in a
transaction (ATOMIC_REQUESTS), so inside a request Django uses the primary anyway —
which keeps read-your-writes for the API. What the router sends to the replica are
the reads made outside a request's transaction: Celery tasks' selectors, reports,
management commands. A selector can also ask for it explicitly with
``.using(replica_alias())``. Writes, migrations and relations always stay on the primary.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections

REPLICA = "replica"


def replica_alias() -> str:
    """The alias to read from: the replica when configured, else the primary."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


class PrimaryReplicaRouter:
    """Reads to the replica when no transaction is open on the primary; everything else primary."""

    def db_for_read(self, model, **hints) -> str:
        if connections["default"].in_atomic_block:
            # Inside a transaction: read what this transaction may just have written.
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data: a replica row and a primary row may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica follows the primary through streaming replication: never migrate it.
        return db == "default"
