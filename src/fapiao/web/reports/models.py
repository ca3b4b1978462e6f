"""汇总 (running totals) of a company's invoices, read by the dashboard instead of the invoices.

``InvoiceTotal`` holds, per company, 开票日期 (a day, ``""`` when undated), direction, review
status and deduction status, how many invoices there are and their 金额/税额/价税合计 in 分
(integer cents: exact on SQLite and PostgreSQL alike).  ``PartyTotal`` holds per company and
direction the 价税合计 of each counterparty (the seller of a purchase, the buyer of a sale).
``RateTotal`` holds per company, day and direction the line amounts of each 税率 (the tax-rate
mix).  The tables are kept by database triggers on the invoice and line tables (see
:mod:`.totals`), so every write path (services, bulk updates, deletes, imports) moves them in the
same transaction.
"""

from __future__ import annotations

from django.db import models

from fapiao.web.companies.models import Company


class InvoiceTotal(models.Model):
    """发票汇总 (invoice totals) of one company for one day, direction and pair of statuses."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.CharField(
        "开票日期", max_length=10, blank=True, help_text='YYYY-MM-DD, "" undated'
    )
    direction = models.CharField("方向", max_length=16)
    review_status = models.CharField("审核状态", max_length=16)
    deduction_status = models.CharField("抵扣状态", max_length=16)
    count = models.BigIntegerField("发票数")
    net_cents = models.BigIntegerField("金额（分）")
    tax_cents = models.BigIntegerField("税额（分）")
    gross_cents = models.BigIntegerField("价税合计（分）")

    class Meta:
        verbose_name = "发票汇总"
        verbose_name_plural = "发票汇总"
        constraints = (
            models.UniqueConstraint(
                fields=("company", "day", "direction", "review_status", "deduction_status"),
                name="invoice_total_key",
            ),
        )

    def __str__(self) -> str:
        return f"{self.company_id}:{self.day}:{self.direction}={self.count}"


class PartyTotal(models.Model):
    """交易方汇总 (counterparty totals): a company's invoices with one seller or buyer."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    direction = models.CharField("方向", max_length=16)
    tax_id = models.CharField("纳税人识别号", max_length=64, blank=True)
    name = models.TextField("名称", blank=True, default="", help_text="a name it was invoiced as")
    count = models.BigIntegerField("发票数")
    gross_cents = models.BigIntegerField("价税合计（分）")

    class Meta:
        verbose_name = "交易方汇总"
        verbose_name_plural = "交易方汇总"
        constraints = (
            models.UniqueConstraint(
                fields=("company", "direction", "tax_id"), name="party_total_key"
            ),
        )

    def __str__(self) -> str:
        return f"{self.company_id}:{self.direction}:{self.tax_id}={self.count}"


class RateTotal(models.Model):
    """税率汇总 (tax-rate totals): the lines of a company's invoices of one day and direction
    at one tax rate."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.CharField(
        "开票日期", max_length=10, blank=True, help_text='YYYY-MM-DD, "" undated'
    )
    direction = models.CharField("方向", max_length=16)
    tax_rate = models.CharField("税率", max_length=16, blank=True)
    count = models.BigIntegerField("明细行数")
    net_cents = models.BigIntegerField("金额（分）")
    tax_cents = models.BigIntegerField("税额（分）")

    class Meta:
        verbose_name = "税率汇总"
        verbose_name_plural = "税率汇总"
        constraints = (
            models.UniqueConstraint(
                fields=("company", "day", "direction", "tax_rate"), name="rate_total_key"
            ),
        )

    def __str__(self) -> str:
        return f"{self.company_id}:{self.day}:{self.direction}:{self.tax_rate}={self.count}"
