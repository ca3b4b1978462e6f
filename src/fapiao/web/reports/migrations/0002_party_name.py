"""A name per counterparty in the totals; the triggers that keep the totals, and a first filling."""

from typing import Any

from django.db import migrations, models

from fapiao.web.reports.totals import totals_rebuild, triggers_create, triggers_drop


def drop(apps: Any, schema_editor: Any) -> None:
    # Before the table changes: SQLite rebuilds a table to add a column, and a trigger that
    # names the table would stop the rename.
    triggers_drop(schema_editor.connection)


def forwards(apps: Any, schema_editor: Any) -> None:
    triggers_create(schema_editor.connection, rates=False)
    totals_rebuild(schema_editor.connection, rates=False)


def backwards(apps: Any, schema_editor: Any) -> None:
    triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_totals"),
    ]

    operations = [
        migrations.RunPython(drop, migrations.RunPython.noop),
        migrations.AddField(
            model_name="partytotal",
            name="name",
            field=models.TextField(
                blank=True, default="", help_text="a name it was invoiced as", verbose_name="名称"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
