"""发票记录 (invoice record) and what hangs off it: lines, stored files and their links.

A record mirrors :class:`fapiao.core.invoice.Invoice` column by column.  Its identity
(``identity_key``) is the one the tax bureau knows: the 20-digit 数电 number, else
``发票代码:发票号码``; it is unique per company and direction.  Text columns hold ``""`` for
"not read"; amounts and dates hold NULL.  地址、电话 and 开户行及账号 are sealed under the
company's data key (:mod:`fapiao.web.invoices.sensitive`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Length

from fapiao.web.companies.models import Company
from fapiao.web.invoices.fields import ExactDecimalField, SealedTextField


class Direction(models.TextChoices):
    """进项 (purchase) or 销项 (sales)."""

    PURCHASE = "purchase", "进项"
    SALES = "sales", "销项"


class InvoiceKind(models.TextChoices):
    """发票种类: the same values as :class:`fapiao.core.invoice.InvoiceKind` (a test checks)."""

    DIGITAL_SPECIAL = "digital_special", "数电专票"
    DIGITAL_ORDINARY = "digital_ordinary", "数电普票"
    DIGITAL_PAPER_SPECIAL = "digital_paper_special", "数电纸质专票"
    DIGITAL_PAPER_ORDINARY = "digital_paper_ordinary", "数电纸质普票"
    VAT_SPECIAL_PAPER = "vat_special_paper", "增值税专用发票"
    VAT_SPECIAL_ELECTRONIC = "vat_special_electronic", "增值税电子专用发票"
    VAT_ORDINARY_PAPER = "vat_ordinary_paper", "增值税普通发票"
    VAT_ORDINARY_ELECTRONIC = "vat_ordinary_electronic", "增值税电子普通发票"
    VAT_ORDINARY_ROLL = "vat_ordinary_roll", "增值税普通发票（卷式）"
    TOLL = "toll", "通行费电子普通发票"
    RAILWAY_TICKET = "railway_ticket", "铁路电子客票"
    AIR_ITINERARY = "air_itinerary", "航空电子客票行程单"
    MOTOR_VEHICLE = "motor_vehicle", "机动车销售统一发票"
    OTHER = "other", "其他发票"


class ReviewStatus(models.TextChoices):
    """审核状态 (review status); changed only by the review services (``services_review``)."""

    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"


class TaxStatus(models.TextChoices):
    """发票状态 as the tax bureau reports it."""

    NORMAL = "normal", "正常"
    VOIDED = "voided", "作废"
    RED_FULL = "red_full", "红冲全额"
    RED_PARTIAL = "red_partial", "红冲部分"
    ABNORMAL = "abnormal", "异常"


class DeductionStatus(models.TextChoices):
    """抵扣状态 (deduction status) of a purchase invoice; changed only by status services."""

    UNSELECTED = "unselected", "未勾选"
    SELECTED = "selected", "已勾选"
    CONFIRMED = "confirmed", "已确认"
    NOT_DEDUCTIBLE = "not_deductible", "不抵扣"


class BookingStatus(models.TextChoices):
    """入账状态 (booking status); changed only by status services."""

    UNBOOKED = "unbooked", "未入账"
    BOOKED = "booked", "已入账"


class FileFormat(models.TextChoices):
    """文件格式: the same values as :class:`fapiao.core.parsing.base.FileFormat` (a test checks)."""

    XML = "xml", "XML"
    OFD = "ofd", "OFD"
    PDF = "pdf", "PDF"
    IMAGE = "image", "图片"
    ZIP = "zip", "ZIP"
    XLSX = "xlsx", "XLSX"
    XLS = "xls", "XLS"
    CSV = "csv", "CSV"
    UNKNOWN = "unknown", "未知"


ID_LENGTH = 64
"""Identifier columns are wider than any real identifier so a misread one is kept, not cut."""


def _text(verbose_name: str) -> models.TextField[str, str]:
    return models.TextField(verbose_name, blank=True, default="")


def _sealed(verbose_name: str) -> SealedTextField:
    return SealedTextField(verbose_name, blank=True, default="")


def _ident(verbose_name: str) -> models.CharField[str, str]:
    return models.CharField(verbose_name, max_length=ID_LENGTH, blank=True, default="")


class InvoiceRecord(models.Model):
    """发票记录 (invoice record): one invoice of one company, merged from every source read."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="invoices")
    direction = models.CharField("方向", max_length=16, choices=Direction.choices)
    kind = models.CharField("发票种类", max_length=32, choices=InvoiceKind.choices)
    # NULL, not "", when nothing identifies the invoice: NULLs never collide in the unique key.
    identity_key = models.CharField(  # noqa: DJ001
        "发票标识", max_length=2 * ID_LENGTH + 1, null=True, blank=True, editable=False
    )
    number = _ident("发票号码")
    code = _ident("发票代码")
    digital_number = _ident("数电票号码")
    check_code = _ident("校验码")
    issue_date = models.DateField("开票日期", null=True, blank=True)
    seller_name = _text("销售方名称")
    seller_tax_id = _ident("销售方纳税人识别号")
    seller_address_phone = _sealed("销售方地址、电话")
    seller_bank_account = _sealed("销售方开户行及账号")
    buyer_name = _text("购买方名称")
    buyer_tax_id = _ident("购买方纳税人识别号")
    buyer_address_phone = _sealed("购买方地址、电话")
    buyer_bank_account = _sealed("购买方开户行及账号")
    net_amount = models.DecimalField(
        "合计金额", max_digits=18, decimal_places=2, null=True, blank=True
    )
    tax_amount = models.DecimalField(
        "合计税额", max_digits=18, decimal_places=2, null=True, blank=True
    )
    gross_amount = models.DecimalField(
        "价税合计", max_digits=18, decimal_places=2, null=True, blank=True
    )
    gross_amount_text = _text("价税合计（大写）")
    is_red = models.BooleanField("红字发票", default=False)
    original_number = _ident("对应蓝字发票号码")
    original_code = _ident("对应蓝字发票代码")
    red_confirmation_number = _ident("红字发票信息确认单编号")
    remark = _text("备注")
    drawer = _text("开票人")
    fields = models.JSONField("字段来源", default=dict, blank=True)
    findings = models.JSONField("问题", default=list, blank=True)
    review_status = models.CharField(
        "审核状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    tax_status = models.CharField(
        "发票状态", max_length=16, choices=TaxStatus.choices, default=TaxStatus.NORMAL
    )
    deduction_status = models.CharField(
        "抵扣状态",
        max_length=16,
        choices=DeductionStatus.choices,
        default=DeductionStatus.UNSELECTED,
    )
    deduction_period = models.CharField(
        "所属期", max_length=7, blank=True, default="", help_text="YYYY-MM"
    )
    deduction_reason = _text("不抵扣原因")
    booking_status = models.CharField(
        "入账状态", max_length=16, choices=BookingStatus.choices, default=BookingStatus.UNBOOKED
    )
    voucher_number = models.CharField("凭证号", max_length=64, blank=True, default="")
    review_note = _text("退回原因")
    override_reason = _text("越过问题审核的理由")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "发票"
        verbose_name_plural = "发票"
        ordering = ("-issue_date", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("company", "direction", "identity_key"),
                name="invoice_identity_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="invoice_direction_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=InvoiceKind.values), name="invoice_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_status__in=ReviewStatus.values),
                name="invoice_review_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(tax_status__in=TaxStatus.values),
                name="invoice_tax_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(deduction_status__in=DeductionStatus.values),
                name="invoice_deduction_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(deduction_status=DeductionStatus.CONFIRMED)
                | ~models.Q(deduction_period=""),
                name="invoice_confirmed_has_period",
            ),
            models.CheckConstraint(
                condition=~models.Q(deduction_status=DeductionStatus.NOT_DEDUCTIBLE)
                | ~models.Q(deduction_reason=""),
                name="invoice_not_deductible_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(booking_status__in=BookingStatus.values),
                name="invoice_booking_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(booking_status=BookingStatus.BOOKED)
                | ~models.Q(voucher_number=""),
                name="invoice_booked_has_voucher",
            ),
            models.CheckConstraint(
                condition=models.Q(identity_key__isnull=True) | ~models.Q(identity_key=""),
                name="invoice_identity_not_empty",
            ),
            # 价税合计 = 合计金额 + 合计税额 when all three are known.  The half-cent margin makes
            # the same check exact on PostgreSQL (numeric) and safe on SQLite (floats).
            models.CheckConstraint(
                condition=models.Q(net_amount__isnull=True)
                | models.Q(tax_amount__isnull=True)
                | models.Q(gross_amount__isnull=True)
                | models.Q(
                    gross_amount__gte=models.F("net_amount")
                    + models.F("tax_amount")
                    - models.Value(Decimal("0.005")),
                    gross_amount__lte=models.F("net_amount")
                    + models.F("tax_amount")
                    + models.Value(Decimal("0.005")),
                ),
                name="invoice_gross_is_net_plus_tax",
            ),
        )
        indexes = (
            models.Index(fields=("company", "direction", "-issue_date"), name="invoice_list_idx"),
            # The unfiltered list page sorts by (-issue_date, -id) within the company.
            models.Index(fields=("company", "-issue_date", "-id"), name="invoice_recent_idx"),
            # Covering index for the dashboard's monthly totals and deduction progress.
            models.Index(
                fields=(
                    "company",
                    "direction",
                    "issue_date",
                    "net_amount",
                    "tax_amount",
                    "gross_amount",
                    "deduction_status",
                ),
                name="invoice_totals_idx",
            ),
            models.Index(fields=("company", "direction", "buyer_tax_id"), name="invoice_buyer_idx"),
            models.Index(fields=("company", "review_status"), name="invoice_review_idx"),
            models.Index(fields=("company", "seller_tax_id"), name="invoice_seller_idx"),
        )

    def __str__(self) -> str:
        return self.identity_key or f"invoice #{self.pk}"


class InvoiceLineRecord(models.Model):
    """发票明细 (invoice line) in printed order."""

    invoice = models.ForeignKey(InvoiceRecord, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("行号")
    name = _text("项目名称")
    specification = _text("规格型号")
    unit = _text("单位")
    quantity = ExactDecimalField("数量", max_digits=28, decimal_places=13, null=True, blank=True)
    unit_price = ExactDecimalField("单价", max_digits=28, decimal_places=13, null=True, blank=True)
    net_amount = models.DecimalField("金额", max_digits=18, decimal_places=2, null=True, blank=True)
    tax_rate = models.CharField(
        "税率", max_length=16, blank=True, default="", help_text='"0.13", "exempt", "not_taxed"'
    )
    tax_amount = models.DecimalField("税额", max_digits=18, decimal_places=2, null=True, blank=True)
    tax_code = _ident("税收分类编码")

    class Meta:
        verbose_name = "发票明细"
        verbose_name_plural = "发票明细"
        ordering = ("invoice_id", "position")
        constraints = (
            models.UniqueConstraint(fields=("invoice", "position"), name="invoice_line_unique"),
        )

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position} {self.name}"


class StoredFile(models.Model):
    """原始文件 (stored original): kept once per company, named by its SHA-256."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="files")
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    original_name = models.CharField("原文件名", max_length=255, blank=True, default="")
    content_type = models.CharField("类型", max_length=127, blank=True, default="")
    path = models.CharField(
        "存储路径", max_length=255, help_text="relative to FAPIAO_DATA_DIR/files"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "原始文件"
        verbose_name_plural = "原始文件"
        constraints = (
            models.UniqueConstraint(fields=("company", "sha256"), name="stored_file_unique"),
            models.CheckConstraint(
                condition=models.lookups.Exact(Length("sha256"), 64),
                name="stored_file_sha256_length",
            ),
        )

    def __str__(self) -> str:
        return self.original_name or self.sha256


class InvoiceSource(models.Model):
    """来源 (source): an invoice was read from this stored file (or one member of it)."""

    invoice = models.ForeignKey(InvoiceRecord, on_delete=models.CASCADE, related_name="sources")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="sources")
    format = models.CharField(
        "格式", max_length=16, choices=FileFormat.choices, default=FileFormat.UNKNOWN
    )
    member = models.CharField("压缩包内路径", max_length=1000, blank=True, default="")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "发票来源"
        verbose_name_plural = "发票来源"
        constraints = (
            models.UniqueConstraint(
                fields=("invoice", "stored_file", "member"), name="invoice_source_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=FileFormat.values), name="invoice_source_format_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.stored_file_id}:{self.member}"
