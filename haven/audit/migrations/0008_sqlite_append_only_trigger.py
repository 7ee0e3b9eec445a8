# SQLite refuses UPDATE and DELETE of audit events too, like PostgreSQL (0005). DELETE is allowed
# only where the connection's haven_audit_allow_flush() says 1 (see haven/audit/triggers.py): the
# test suite's flush between transactional tests. A table rebuild by a later migration drops these
# triggers; tests/integration/test_audit_chain.py checks they are installed.

from django.db import migrations

from haven.audit.triggers import FLUSH_FUNCTION

UPDATE_TRIGGER = 'audit_event_no_update'
DELETE_TRIGGER = 'audit_event_no_delete'


def create_sql(table):
    return [
        f"CREATE TRIGGER {UPDATE_TRIGGER} BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END",
        f"CREATE TRIGGER {DELETE_TRIGGER} BEFORE DELETE ON {table} WHEN {FLUSH_FUNCTION}() IS NOT 1 "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END",
    ]


def drop_sql():
    return [f'DROP TRIGGER IF EXISTS {UPDATE_TRIGGER}', f'DROP TRIGGER IF EXISTS {DELETE_TRIGGER}']


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != 'sqlite':
        return
    table = schema_editor.quote_name(apps.get_model('audit', 'AuditEvent')._meta.db_table)
    for sql in create_sql(table):
        schema_editor.execute(sql)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != 'sqlite':
        return
    for sql in drop_sql():
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_keyed_chain_sealed_detail'),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
