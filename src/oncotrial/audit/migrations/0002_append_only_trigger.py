"""On PostgreSQL, reject UPDATE and DELETE on audit events, even for the owner.

`ENABLE ALWAYS` keeps the trigger firing under `session_replication_role =
replica` too; only a superuser disabling it gets past, and then the hash chain
tells (RECIPES.md, "Audit rows nobody in the application can change"). SQLite,
the single-machine embedded store, relies on the application refusing such
writes and on the hash chain.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION oncotrial_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION oncotrial_audit_append_only();
ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_append_only;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS oncotrial_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
