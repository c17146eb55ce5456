"""Trigram indexes for the patient search (``?search=`` on given or family name), PostgreSQL only.

DRF's SearchFilter compiles ``icontains`` to ``UPPER(name::text) LIKE UPPER('%term%')``: a
B-tree cannot serve a leading wildcard, a trigram GIN index on the same expression can
(EXPLAIN in docs/benchmarks.md). SQLite (the embedded default and the test suite) has no
pg_trgm: there the operation does nothing, and the search is a scan as before.
"""

from django.db import migrations

INDEXES = {
    "patient_given_trgm": "given_name",
    "patient_family_trgm": "family_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON clinic_patient "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0003_audit_append_only_trigger")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
