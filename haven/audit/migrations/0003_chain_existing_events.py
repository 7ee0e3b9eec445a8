# Chain the events written before the chain existed, in the order they were written (by id),
# and create the chain head. Uses the chain format of that time (haven.audit.chain.legacy_event_hash); 0007 re-chains it.

from django.db import migrations

from haven.audit.chain import GENESIS, LEGACY_FIELDS, legacy_event_hash


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model('audit', 'AuditEvent')
    AuditChainHead = apps.get_model('audit', 'AuditChainHead')
    prev_hash, sequence = GENESIS, 0
    columns = [name for name in LEGACY_FIELDS if name not in ('sequence', 'prev_hash')]
    for pk, *row in AuditEvent.objects.order_by('pk').values_list('pk', *columns).iterator(chunk_size=2000):
        sequence += 1
        values = dict(zip(columns, row, strict=True), sequence=sequence, prev_hash=prev_hash)
        digest = legacy_event_hash(values)
        # Historical models have the plain manager: this update is the migration's, not the app's.
        AuditEvent.objects.filter(pk=pk).update(sequence=sequence, prev_hash=prev_hash, hash=digest)
        prev_hash = digest
    AuditChainHead.objects.update_or_create(pk=1, defaults={'last_sequence': sequence, 'last_hash': prev_hash})


def unchain(apps, schema_editor):
    apps.get_model('audit', 'AuditChainHead').objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_chain_fields'),
    ]

    operations = [
        migrations.RunPython(chain_existing, unchain),
    ]
