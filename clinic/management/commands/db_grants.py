"""``manage.py db_grants --app-role talus_app``: the application role's privileges.

Run as the database owner (the migration role) after ``migrate``; idempotent. ``--print``
writes the SQL instead of running it. See docs/security.md, "Database roles".
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from clinic.db_roles import grant_statements


class Command(BaseCommand):
    help = "Grant the application role its privileges (append-only on the audit trail)."

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="the application's role name")
        parser.add_argument(
            "--print", dest="print_only", action="store_true", help="write the SQL, run nothing"
        )

    def handle(self, *args, app_role: str, print_only: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's: DATABASE_URL is not postgres://.")
        statements = grant_statements(app_role)
        with connection.cursor() as cursor:
            texts = [statement.as_string(cursor.connection) for statement in statements]
        if print_only:
            self.stdout.write(";\n".join(texts) + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
            if cursor.fetchone() is None:
                raise CommandError(f"No role {app_role!r}: create it first (docs/security.md).")
            for text in texts:
                cursor.execute(text)
        self.stdout.write(f"Granted the application's privileges to {app_role}.")
