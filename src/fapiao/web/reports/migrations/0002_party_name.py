"""A name per counterparty in the totals; the triggers that keep the totals, and a first filling."""

from typing import Any

from django.db import migrations, models

from fapiao.web.reports.totals import totals_rebuild, triggers_create, triggers_drop


def forwards(apps: Any, schema_editor: Any) -> None:
    triggers_drop(schema_editor.connection)
    triggers_create(schema_editor.connection)
    totals_rebuild(schema_editor.connection)


def backwards(apps: Any, schema_editor: Any) -> None:
    triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="partytotal",
            name="name",
            field=models.TextField(
                blank=True, default="", help_text="a name it was invoiced as", verbose_name="名称"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
