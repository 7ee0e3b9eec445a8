# The chain becomes keyed (HMAC-SHA256 with a key from HAVEN_AUDIT_KEYS, its id on every event) and
# the detail is encrypted at rest, bound to its event's sequence (haven.audit.sealing).
#
# An existing log is re-chained once, here, rather than kept as a plain-sha256 prefix: a prefix
# that verifies without the key could be rewritten by anyone with database access (and a whole
# log rewritten as "old" would pass), and its details would stay readable in every future dump.
# So that re-chaining cannot launder a tampered log, the old chain is verified first, every event
# and the head, with the frozen old format; a broken one stops the migration and nothing changes.
# Run `verify_audit` before upgrading and keep its head line: it is the last word on the old chain.

from django.db import migrations, models

import haven.audit.models
from haven.audit.chain import GENESIS, LEGACY_FIELDS, event_hash, legacy_event_hash
from haven.audit.keys import current_keys
from haven.audit.sealing import seal

BATCH = 2000
POSTGRESQL_TRIGGER = 'audit_event_append_only'  # migration 0005


class BrokenLegacyChain(RuntimeError):
    pass


def _broken(sequence, pk, what):
    return BrokenLegacyChain(
        f'The audit log cannot be re-chained: event {sequence} (id {pk}) {what}. Nothing was changed. '
        'Investigate with `manage.py verify_audit` of the previous release before migrating.'
    )


def rechain(apps, schema_editor):
    AuditEvent = apps.get_model('audit', 'AuditEvent')
    AuditChainHead = apps.get_model('audit', 'AuditChainHead')
    if not AuditEvent.objects.exists():
        return
    head = AuditChainHead.objects.filter(pk=1).values_list('last_sequence', 'last_hash').first()
    if head is None:
        raise BrokenLegacyChain('The audit log cannot be re-chained: its chain head is missing. Nothing was changed.')
    keys = current_keys()
    connection = schema_editor.connection
    table = schema_editor.quote_name(AuditEvent._meta.db_table)
    detail_field = AuditEvent._meta.get_field('detail')
    # Plain UPDATEs by id: bulk_update's CASE expressions cost more to build than the rows to write.
    update = f'UPDATE {table} SET prev_hash = %s, hash = %s, detail = %s, key_id = %s WHERE id = %s'
    on_postgresql = connection.vendor == 'postgresql'
    if on_postgresql:
        schema_editor.execute(f'ALTER TABLE {table} DISABLE TRIGGER {POSTGRESQL_TRIGGER}')
    old_prev = new_prev = GENESIS
    expected = 1
    while True:
        # Read a batch, then write it: SQLite does not isolate a pending read from writes to its table.
        rows = list(
            AuditEvent.objects.filter(sequence__gte=expected)
            .order_by('sequence')
            .values_list('pk', 'hash', *LEGACY_FIELDS)[:BATCH]
        )
        if not rows:
            break
        changed = []
        for pk, stored_hash, *row in rows:
            values = dict(zip(LEGACY_FIELDS, row, strict=True))
            sequence = values['sequence']
            if sequence != expected:
                raise _broken(sequence, pk, f'follows event {expected - 1}: events are missing or out of order')
            if values['prev_hash'] != old_prev:
                raise _broken(sequence, pk, 'does not link to the event before it')
            if legacy_event_hash(values) != stored_hash:
                raise _broken(sequence, pk, 'does not match its hash: it was altered')
            values.update(prev_hash=new_prev, detail=seal(values['detail'], sequence), key_id=keys.active_id)
            digest = event_hash(values, keys.active)
            detail = detail_field.get_db_prep_value(values['detail'], connection)
            changed.append((new_prev, digest, detail, keys.active_id, pk))
            old_prev, new_prev, expected = stored_hash, digest, sequence + 1
        with connection.cursor() as cursor:
            cursor.executemany(update, changed)
    if head != (expected - 1, old_prev):
        raise BrokenLegacyChain(
            f'The audit log cannot be re-chained: its chain head (event {head[0]}) does not match its last event '
            f'({expected - 1}). Nothing was changed.'
        )
    AuditChainHead.objects.filter(pk=1).update(last_sequence=expected - 1, last_hash=new_prev)
    if on_postgresql:
        schema_editor.execute(f'ALTER TABLE {table} ENABLE TRIGGER {POSTGRESQL_TRIGGER}')


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_event_object_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(default='', max_length=32),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='detail',
            field=haven.audit.models.SealedDetailField(blank=True, default=dict),
        ),
        # Not reversible: the old chain's hashes are gone once it is re-chained.
        migrations.RunPython(rechain),
    ]
