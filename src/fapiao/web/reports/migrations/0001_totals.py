"""Dashboard totals: the two tables (their triggers and first filling come in 0002)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("companies", "0002_company_preferences"),
        ("invoices", "0003_list_and_totals_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="InvoiceTotal",
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
                ("review_status", models.CharField(max_length=16, verbose_name="审核状态")),
                ("deduction_status", models.CharField(max_length=16, verbose_name="抵扣状态")),
                ("count", models.BigIntegerField(verbose_name="发票数")),
                ("net_cents", models.BigIntegerField(verbose_name="金额（分）")),
                ("tax_cents", models.BigIntegerField(verbose_name="税额（分）")),
                ("gross_cents", models.BigIntegerField(verbose_name="价税合计（分）")),
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
                "verbose_name": "发票汇总",
                "verbose_name_plural": "发票汇总",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("company", "day", "direction", "review_status", "deduction_status"),
                        name="invoice_total_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PartyTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("direction", models.CharField(max_length=16, verbose_name="方向")),
                (
                    "tax_id",
                    models.CharField(blank=True, max_length=64, verbose_name="纳税人识别号"),
                ),
                ("count", models.BigIntegerField(verbose_name="发票数")),
                ("gross_cents", models.BigIntegerField(verbose_name="价税合计（分）")),
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
                "verbose_name": "交易方汇总",
                "verbose_name_plural": "交易方汇总",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("company", "direction", "tax_id"), name="party_total_key"
                    )
                ],
            },
        ),
    ]
