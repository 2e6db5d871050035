"""Several audit chains, each with its own head (egov.core.audit).

The existing entries and the single head become chain 0 unchanged, so their seqs and hashes still
verify. SQLite rebuilds the table to drop `seq`'s uniqueness, which drops the trigger of migration
0002 with the old table: it is created again on the new one.
"""

from django.conf import settings
from django.db import migrations, models

SQLITE_NO_UPDATE = (
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END;"
)


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_worker_beat'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditentry',
            options={'ordering': ['id'], 'verbose_name': 'audit entry', 'verbose_name_plural': 'audit log'},
        ),
        migrations.AddField(
            model_name='auditchainhead',
            name='chain',
            field=models.PositiveSmallIntegerField(default=0, unique=True, verbose_name='chain'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='chain',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='chain'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(verbose_name='sequence'),
        ),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='audit_chain_seq_unique'),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
