"""The application's database role: what it may do, as SQL the owner runs (docs/security.md).

Two roles: the **owner** (owns the schema and every table, runs ``migrate``) and the
**application** role (the web, worker and beat processes). The application role reads and
writes the tables it must, and on the audit trail may only ``INSERT`` and ``SELECT``: not
``UPDATE``, ``DELETE`` or ``TRUNCATE``, and, as it owns no table, never ``ALTER TABLE …
DISABLE TRIGGER`` (owners only) nor ``SET session_replication_role`` (superusers only).
``manage.py db_grants`` runs these statements as the owner, after each ``migrate``.
"""

from __future__ import annotations

from psycopg import sql

from clinic.models import AuditEvent

# The privileges the application role needs on every table but the audit trail's.
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def grant_statements(app_role: str, *, schema: str = "public") -> list[sql.Composed]:
    """The GRANTs (and the audit trail's REVOKEs) that make ``app_role`` the application's."""
    role = sql.Identifier(app_role)
    where = sql.Identifier(schema)
    audit = sql.Identifier(AuditEvent._meta.db_table)
    privileges = sql.SQL(TABLE_PRIVILEGES)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(where, role),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(privileges, where, role),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(where, role),
        # Tables and sequences later migrations create (as the owner running this).
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
            where, privileges, role
        ),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(where, role),
        # The audit trail: append and read, nothing else, for the application and anyone.
        sql.SQL("REVOKE ALL ON {} FROM PUBLIC").format(audit),
        sql.SQL("REVOKE ALL ON {} FROM {}").format(audit, role),
        sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(audit, role),
    ]
