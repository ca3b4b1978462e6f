"""The totals triggers again: a deleted invoice only updates an existing totals row, never
inserts one (a cascade or a flush that removed the totals first no longer breaks a key)."""

from typing import Any

from django.db import migrations

from fapiao.web.reports.totals import totals_rebuild, triggers_create, triggers_drop


def forwards(apps: Any, schema_editor: Any) -> None:
    triggers_drop(schema_editor.connection)
    triggers_create(schema_editor.connection, rates=False)
    totals_rebuild(schema_editor.connection, rates=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_party_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
