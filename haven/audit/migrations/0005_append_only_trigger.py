# PostgreSQL refuses UPDATE, DELETE and TRUNCATE of audit events, whoever asks (the model and its
# queryset already refuse them in the application). SQLite gets its triggers in 0008.
#
# TRUNCATE is allowed only in a session that sets haven.audit_allow_truncate = 'on': the test
# suite's flush between transactional tests needs it. Like the triggers themselves (the table's
# owner can drop them), that guards against mistakes, not against the database owner: against
# that, the chain and an independently kept copy of its head are the protection.

from django.db import migrations

FUNCTION = 'haven_audit_append_only'
ROW_TRIGGER = 'audit_event_append_only'
TRUNCATE_TRIGGER = 'audit_event_no_truncate'


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != 'postgresql':
        return
    table = schema_editor.quote_name(apps.get_model('audit', 'AuditEvent')._meta.db_table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' AND current_setting('haven.audit_allow_truncate', true) = 'on' THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION USING
                ERRCODE = 'P0001',
                MESSAGE = 'audit events are append-only (' || TG_OP || ' refused)';
        END;
        $$
        """
    )
    schema_editor.execute(
        f'CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {table} '
        f'FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()'
    )
    schema_editor.execute(
        f'CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} '
        f'FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()'
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != 'postgresql':
        return
    table = schema_editor.quote_name(apps.get_model('audit', 'AuditEvent')._meta.db_table)
    schema_editor.execute(f'DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}')
    schema_editor.execute(f'DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON {table}')
    schema_editor.execute(f'DROP FUNCTION IF EXISTS {FUNCTION}()')


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_chain_required'),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
