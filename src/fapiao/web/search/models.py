"""检索索引 (search index): one denormalised row per invoice, typo variants, saved filters.

``SearchEntry`` copies what the search box filters and sorts on, with ``company_id`` first in
every index, and ``tokens``: the company-scoped index tokens (``<company>x<token>``) that a
full-text index reads: an FTS5 table (``search_fts``, external content) on SQLite, a GIN index on
``array_to_tsvector(string_to_array(tokens, ' '))`` on PostgreSQL; both are created by raw SQL
in the migrations, per database vendor.  ``NumberVariant`` holds the one-typo variants of each
invoice number (see :mod:`fapiao.core.search.numbers`); it is a plain three-integer table whose
whole row is its primary key (``WITHOUT ROWID`` on SQLite), written with raw SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceKind,
    InvoiceRecord,
    ReviewStatus,
    TaxStatus,
)


class SearchEntry(models.Model):
    """检索条目 (search entry): the searchable copy of one invoice, rebuilt by services only."""

    invoice = models.OneToOneField(
        InvoiceRecord, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    direction = models.CharField("方向", max_length=16, choices=Direction.choices)
    kind = models.CharField("发票种类", max_length=32, choices=InvoiceKind.choices)
    number = models.CharField("发票号码", max_length=64, blank=True, default="")
    issue_date = models.DateField("开票日期", null=True, blank=True)
    gross_amount = models.DecimalField(
        "价税合计", max_digits=18, decimal_places=2, null=True, blank=True
    )
    seller_name = models.TextField("销售方名称", blank=True, default="")
    review_status = models.CharField("审核状态", max_length=16, choices=ReviewStatus.choices)
    tax_status = models.CharField("发票状态", max_length=16, choices=TaxStatus.choices)
    deduction_status = models.CharField(
        "抵扣状态", max_length=16, choices=DeductionStatus.choices, blank=True, default=""
    )
    booking_status = models.CharField(
        "入账状态", max_length=16, choices=BookingStatus.choices, blank=True, default=""
    )
    province = models.CharField("省级地区代码", max_length=2, blank=True, default="")
    region = models.CharField("地区代码", max_length=4, blank=True, default="")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name="审核人",
    )
    tokens = models.TextField("索引词", blank=True, default="")
    indexed_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"
        indexes = (
            models.Index(fields=("company", "-issue_date", "-invoice"), name="search_date_idx"),
            models.Index(fields=("company", "-gross_amount"), name="search_amount_idx"),
            models.Index(fields=("company", "seller_name"), name="search_seller_idx"),
            models.Index(
                fields=("company", "direction", "-issue_date"), name="search_direction_idx"
            ),
            models.Index(
                fields=("company", "review_status", "-issue_date"), name="search_review_idx"
            ),
            models.Index(fields=("company", "tax_status", "-issue_date"), name="search_tax_idx"),
            models.Index(
                fields=("company", "province", "region", "-issue_date"), name="search_region_idx"
            ),
            models.Index(fields=("company", "reviewer", "-issue_date"), name="search_reviewer_idx"),
        )

    def __str__(self) -> str:
        return f"search entry of invoice #{self.pk}"


class NumberVariant(models.Model):
    """号码变体 (number variant): a typo lookup key of one invoice's number, per company."""

    pk = models.CompositePrimaryKey("company_id", "key", "invoice_id")
    company_id = models.BigIntegerField()
    key = models.BigIntegerField("变体键")
    invoice_id = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "search_numbervariant"
        verbose_name = "号码变体"
        verbose_name_plural = "号码变体"

    def __str__(self) -> str:
        return f"{self.company_id}:{self.key}->{self.invoice_id}"


class IndexCursor(models.Model):
    """索引进度 (index cursor): the last event of the company that the search index has seen."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField("事件序号", default=0)

    class Meta:
        verbose_name = "索引进度"
        verbose_name_plural = "索引进度"

    def __str__(self) -> str:
        return f"{self.company_id}@{self.seq}"


class SavedFilter(models.Model):
    """常用筛选 (saved filter): a named query and filters of one user in one company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=100)
    query = models.TextField("查询参数", help_text="URL query string")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "常用筛选"
        verbose_name_plural = "常用筛选"
        ordering = ("name",)
        constraints = (
            models.UniqueConstraint(
                fields=("company", "user", "name"), name="saved_filter_name_unique"
            ),
        )

    def __str__(self) -> str:
        return self.name
