"""Tax-rate totals (the dashboard's rate mix), kept by triggers on the line and invoice tables."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from fapiao.web.reports.totals import totals_rebuild, triggers_create, triggers_drop


def forwards(apps: Any, schema_editor: Any) -> None:
    triggers_drop(schema_editor.connection)
    triggers_create(schema_editor.connection)
    totals_rebuild(schema_editor.connection)


def backwards(apps: Any, schema_editor: Any) -> None:
    triggers_drop(schema_editor.connection)
    triggers_create(schema_editor.connection, rates=False)


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0002_company_preferences"),
        ("reports", "0003_subtract_without_insert"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "day",
                    models.CharField(
                        blank=True,
                        help_text='YYYY-MM-DD, "" undated',
                        max_length=10,
                        verbose_name="开票日期",
                    ),
                ),
                ("direction", models.CharField(max_length=16, verbose_name="方向")),
                ("tax_rate", models.CharField(blank=True, max_length=16, verbose_name="税率")),
                ("count", models.BigIntegerField(verbose_name="明细行数")),
                ("net_cents", models.BigIntegerField(verbose_name="金额（分）")),
                ("tax_cents", models.BigIntegerField(verbose_name="税额（分）")),
                (
                    "company",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="companies.company",
                    ),
                ),
            ],
            options={
                "verbose_name": "税率汇总",
                "verbose_name_plural": "税率汇总",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("company", "day", "direction", "tax_rate"), name="rate_total_key"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
