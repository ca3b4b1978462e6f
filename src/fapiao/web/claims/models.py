"""报销单 (claim) and its items: invoices (发票) and other receipts (其他票据).

A claim that is submitted, approved or paid reserves (占用) its invoices: the database allows one
reserving item per invoice record and one per invoice identity in a company, so the same invoice,
whichever record or format it came in, is never paid twice.  Services keep ``ClaimItem.reserves``
in step with the claim's status.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import InvoiceRecord, StoredFile


class ClaimStatus(models.TextChoices):
    """报销状态; changed only by the claim services."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已批准"
    PAID = "paid", "已支付"
    REJECTED = "rejected", "已驳回"
    RETURNED = "returned", "已退回"


RESERVING_STATUSES = frozenset({ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID})
"""A claim in one of these holds its invoices; a draft, returned or rejected one does not."""


class Claim(models.Model):
    """报销单 (claim): one claimant's request to be paid for invoices and receipts."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="claims")
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("事由", max_length=200)
    note = models.TextField("说明", blank=True, default="")
    status = models.CharField(
        "状态", max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    decision_reason = models.TextField("驳回/退回原因", blank=True, default="")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "报销单"
        verbose_name_plural = "报销单"
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="claim_title_not_empty"),
        )
        indexes = (
            models.Index(fields=("company", "status"), name="claim_status_idx"),
            models.Index(fields=("company", "claimant"), name="claim_claimant_idx"),
        )

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class ClaimItem(models.Model):
    """报销明细 (claim item): one invoice record, or one other receipt with its amount."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(
        InvoiceRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_items",
    )
    invoice_identity = models.CharField(
        "发票标识", max_length=129, blank=True, default="", help_text="identity_key when added"
    )
    description = models.CharField("摘要", max_length=200, blank=True, default="")
    amount = models.DecimalField("金额", max_digits=18, decimal_places=2)
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reserves = models.BooleanField("占用发票", default=False)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = "报销明细"
        verbose_name_plural = "报销明细"
        ordering = ("claim_id", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("claim", "invoice"),
                condition=models.Q(invoice__isnull=False),
                name="claim_item_invoice_once",
            ),
            models.UniqueConstraint(
                fields=("invoice",),
                condition=models.Q(reserves=True, invoice__isnull=False),
                name="claim_item_invoice_reserved_once",
            ),
            models.UniqueConstraint(
                fields=("company", "invoice_identity"),
                condition=models.Q(reserves=True) & ~models.Q(invoice_identity=""),
                name="claim_item_identity_reserved_once",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="claim_item_amount"),
            models.CheckConstraint(
                condition=models.Q(invoice__isnull=False) | ~models.Q(description=""),
                name="claim_item_invoice_or_description",
            ),
        )
        indexes = (
            models.Index(fields=("company", "invoice_identity"), name="claim_item_ident_idx"),
        )

    def __str__(self) -> str:
        return self.description or f"invoice {self.invoice_id}"
