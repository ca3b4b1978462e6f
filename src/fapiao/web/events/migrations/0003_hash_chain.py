"""Hash-chain the event table: ``prev_hash`` and ``hash`` columns, filled for existing rows.

Adding columns rebuilds the table on SQLite, which drops the append-only trigger of 0002; on
PostgreSQL the trigger would refuse the back-fill.  So the trigger is dropped first and created
again at the end, on both databases.
"""

import django.utils.timezone
from django.db import migrations, models

from fapiao.core.audit.chain import GENESIS_HASH, EventRecord, compute_hash, format_instant

APPEND_ONLY = __import__(
    "fapiao.web.events.migrations.0002_append_only", fromlist=["forwards", "backwards"]
)


def drop_trigger(apps, schema_editor):
    APPEND_ONLY.backwards(apps, schema_editor)


def create_trigger(apps, schema_editor):
    APPEND_ONLY.forwards(apps, schema_editor)


def backfill(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    last: dict[object, str] = {}
    for event in Event.objects.order_by("company_id", "seq").iterator():
        prev = last.get(event.company_id, GENESIS_HASH)
        record = EventRecord(
            seq=event.seq,
            chain_id="system" if event.company_id is None else str(event.company_id),
            created_at=format_instant(event.created_at),
            actor=None if event.actor_id is None else str(event.actor_id),
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
            ip=event.ip or None,
            prev_hash=prev,
        )
        digest = compute_hash(record, prev)
        Event.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        last[event.company_id] = digest


class Migration(migrations.Migration):
    dependencies = [("events", "0002_append_only")]

    operations = [
        migrations.RunPython(drop_trigger, create_trigger, elidable=False),
        migrations.AlterField(
            model_name="event",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="前一事件哈希"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="哈希"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_trigger, drop_trigger, elidable=False),
    ]
