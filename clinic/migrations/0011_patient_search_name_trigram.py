"""A trigram index on the normalised name (PostgreSQL only), for the pages' patient search.

The search asks ``search_name LIKE '%word%'`` for each word of the normalised term
(clinic.selectors.patient_search); a B-tree cannot serve a leading wildcard, a trigram GIN
index can. SQLite has no pg_trgm: there the operation does nothing and the search scans.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS patient_search_name_trgm ON clinic_patient "
        "USING gin (search_name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS patient_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0010_patient_search_name_fill")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
