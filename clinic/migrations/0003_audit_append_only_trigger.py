"""The audit trail is append-only in the database too (PostgreSQL): UPDATE and DELETE raise.

The model and its queryset already refuse both; the trigger also stops raw SQL, the shell and
any other client of the database. TRUNCATE is left to privileges (docs/privacy.md): the test
runner empties tables with it, and the application's role should not own the table.
"""

from django.db import migrations

from clinic.db_operations import RunSQLOnPostgreSQL

FORWARD = """
CREATE OR REPLACE FUNCTION talus_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on clinic_auditevent is refused.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER clinic_auditevent_append_only
    BEFORE UPDATE OR DELETE ON clinic_auditevent
    FOR EACH ROW EXECUTE FUNCTION talus_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS clinic_auditevent_append_only ON clinic_auditevent;
DROP FUNCTION IF EXISTS talus_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("clinic", "0002_roles")]

    operations = [RunSQLOnPostgreSQL(FORWARD, BACKWARD)]
