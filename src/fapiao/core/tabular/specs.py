"""The tables fapiao reads: the tax bureau's exports and companies' own invoice ledgers (台账).

- 全量发票查询 export (电子税务局 › 发票查询统计 › 全量发票查询 › 导出): sheet ``发票基础信息``,
  one row per invoice, and sheet ``信息汇总表`` (or ``信息汇总表1``), one row per line item.
- 抵扣勾选 export (deduction selection): one row per invoice; required headers end in ``*``.
- A ledger (发票台账) from a company's books or other accounting software, in Chinese or English,
  sometimes with pinyin initials (``fphm`` for 发票号码) as other invoice software writes them.

Column lists follow the shared reference on formats (§7, observed on real exports); headers are
matched by synonym, never by position.
"""

from __future__ import annotations

from fapiao.core.tabular.schema import ColumnSpec, FieldKind, TableSpec

TAX_ID_LENGTHS = frozenset({15, 17, 18, 20})
"""纳税人识别号: 18 (统一社会信用代码) or a legacy 15, 17 or 20."""

_ID = FieldKind.IDENTIFIER
_AMOUNT = FieldKind.AMOUNT


def _text(name: str, *synonyms: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(name, synonyms, required=required)


SEQ = _text("seq", "序号", "No", "Seq", "行号")
CODE = ColumnSpec(
    "code",
    ("发票代码", "InvoiceCode", "Invoice Code", "fpdm"),
    kind=_ID,
    lengths=frozenset({10, 12}),
    pad_lengths=frozenset({12}),  # 0 + region: only the 12-digit code starts with 0
    max_pad=1,
)
NUMBER = ColumnSpec(
    "number",
    ("发票号码", "发票号", "InvoiceNo", "Invoice No", "Invoice Number", "InvoiceNumber", "fphm"),
    kind=_ID,
    lengths=frozenset({8, 20}),
    pad_lengths=frozenset({8}),  # a 20-digit number starts with the year
)
DIGITAL_NUMBER = ColumnSpec(
    "digital_number",
    (
        "数电发票号码",
        "数电票号码",
        "数电号码",
        "全电发票号码",
        "全电票号码",
        "Digital Invoice Number",
        "Digital Invoice No",
        "E-Invoice Number",
        "sdfphm",
    ),
    kind=_ID,
    lengths=frozenset({20}),
)
SELLER_TAX_ID = ColumnSpec(
    "seller_tax_id",
    (
        "销方识别号",
        "销售方识别号",
        "销售方纳税人识别号",
        "销方纳税人识别号",
        "销方税号",
        "销售方税号",
        "Seller Tax ID",
        "Seller TIN",
        "Supplier Tax ID",
        "xfsh",
    ),
    kind=_ID,
    lengths=TAX_ID_LENGTHS,
)
SELLER_NAME = _text(
    "seller_name",
    "销方名称",
    "销售方名称",
    "销售方纳税人名称",
    "销方纳税人名称",
    "供应商名称",
    "供应商",
    "Seller Name",
    "Seller",
    "Supplier",
    "xfmc",
)
BUYER_TAX_ID = ColumnSpec(
    "buyer_tax_id",
    (
        "购方识别号",
        "购买方识别号",
        "购买方纳税人识别号",
        "购方纳税人识别号",
        "购方税号",
        "购买方税号",
        "Buyer Tax ID",
        "Buyer TIN",
        "Customer Tax ID",
        "gfsh",
    ),
    kind=_ID,
    lengths=TAX_ID_LENGTHS,
)
BUYER_NAME = _text(
    "buyer_name",
    "购买方名称",
    "购方名称",
    "购买方纳税人名称",
    "购方纳税人名称",
    "客户名称",
    "客户",
    "Buyer Name",
    "Buyer",
    "Customer",
    "gfmc",
)
ISSUE_DATE = ColumnSpec(
    "issue_date",
    ("开票日期", "开票时间", "发票日期", "Issue Date", "Invoice Date", "Date", "kprq"),
    kind=FieldKind.DATE,
)
NET_AMOUNT = ColumnSpec(
    "net_amount",
    ("金额", "合计金额", "不含税金额", "金额(不含税)", "Net Amount", "Amount excl. tax", "je"),
    kind=_AMOUNT,
)
TAX_AMOUNT = ColumnSpec(
    "tax_amount",
    ("税额", "合计税额", "票面税额", "Tax Amount", "Tax", "VAT", "se"),
    kind=_AMOUNT,
)
GROSS_AMOUNT = ColumnSpec(
    "gross_amount",
    ("价税合计", "含税金额", "价税合计金额", "金额(含税)", "Gross Amount", "Total Amount", "Total"),
    kind=_AMOUNT,
)
SOURCE = _text("source", "发票来源", "Source")
KIND_LABEL = _text("kind_label", "发票票种", "票种", "发票类型", "发票种类", "Invoice Type", "fplx")
STATUS = _text("status", "发票状态", "Status", "Invoice Status")
IS_POSITIVE = _text("is_positive", "是否正数发票", "Is Positive")
RISK_LEVEL = _text("risk_level", "发票风险等级", "风险等级", "Risk Level")
DRAWER = _text("drawer", "开票人", "Drawer", "Issued By")
REMARK = _text("remark", "备注", "Remark", "Remarks", "Note", "Notes")

TAX_CODE = ColumnSpec(
    "tax_code",
    ("税收分类编码", "商品和服务税收分类编码", "税收编码", "Tax Classification Code", "Tax Code"),
    kind=_ID,
    lengths=frozenset({19}),
)
BUSINESS_TYPE = _text("business_type", "特定业务类型", "业务类型", "Business Type")
ITEM_NAME = _text(
    "item_name",
    "货物或应税劳务名称",
    "货物或应税劳务、服务名称",
    "项目名称",
    "商品名称",
    "Item Name",
    "Item",
    "Description",
)
SPECIFICATION = _text("specification", "规格型号", "规格", "Specification", "Model")
UNIT = _text("unit", "单位", "Unit")
QUANTITY = ColumnSpec("quantity", ("数量", "Quantity", "Qty"), kind=FieldKind.NUMBER)
UNIT_PRICE = ColumnSpec("unit_price", ("单价", "Unit Price", "Price"), kind=FieldKind.NUMBER)
TAX_RATE = _text("tax_rate", "税率", "征收率", "税率/征收率", "Tax Rate", "Rate")


def _required(column: ColumnSpec) -> ColumnSpec:
    return ColumnSpec(
        column.name,
        column.synonyms,
        required=True,
        kind=column.kind,
        lengths=column.lengths,
        pad_lengths=column.pad_lengths,
        max_pad=column.max_pad,
    )


TAX_EXPORT_INVOICES = TableSpec(
    "tax_export_invoices",
    (
        SEQ,
        _required(CODE),
        _required(NUMBER),
        DIGITAL_NUMBER,
        _required(SELLER_TAX_ID),
        SELLER_NAME,
        _required(BUYER_TAX_ID),
        BUYER_NAME,
        _required(ISSUE_DATE),
        _required(NET_AMOUNT),
        _required(TAX_AMOUNT),
        GROSS_AMOUNT,
        SOURCE,
        KIND_LABEL,
        STATUS,
        IS_POSITIVE,
        RISK_LEVEL,
        DRAWER,
        REMARK,
    ),
)
"""全量发票查询 export, sheet 发票基础信息: one row per invoice, the last one 合计行."""

TAX_EXPORT_LINES = TableSpec(
    "tax_export_lines",
    (
        SEQ,
        _required(CODE),
        _required(NUMBER),
        DIGITAL_NUMBER,
        SELLER_TAX_ID,
        SELLER_NAME,
        BUYER_TAX_ID,
        BUYER_NAME,
        ISSUE_DATE,
        TAX_CODE,
        BUSINESS_TYPE,
        _required(ITEM_NAME),
        SPECIFICATION,
        UNIT,
        QUANTITY,
        UNIT_PRICE,
        _required(NET_AMOUNT),
        TAX_RATE,
        _required(TAX_AMOUNT),
        GROSS_AMOUNT,
        SOURCE,
        KIND_LABEL,
        STATUS,
        IS_POSITIVE,
        RISK_LEVEL,
        DRAWER,
        REMARK,
    ),
)
"""全量发票查询 export, sheet 信息汇总表: one row per line item (税收分类编码 … 单价, 税率)."""

DEDUCTION_EXPORT = TableSpec(
    "deduction_export",
    (
        SEQ,
        _text("is_selected", "是否勾选", "Selected"),
        DIGITAL_NUMBER,
        CODE,
        NUMBER,
        _required(ISSUE_DATE),
        _required(NET_AMOUNT),
        _required(TAX_AMOUNT),
        ColumnSpec("deductible_tax_amount", ("有效抵扣税额", "Deductible Tax"), kind=_AMOUNT),
        BUYER_TAX_ID,
        SELLER_NAME,
        _required(SELLER_TAX_ID),
        SOURCE,
        KIND_LABEL,
        STATUS,
        _text("red_lock", "红字锁定标志"),
        _text("export_certificate_number", "转内销证明编号"),
        BUSINESS_TYPE,
        _text("selected_at", "勾选时间", "Selected At"),
        RISK_LEVEL,
        _text("risk_status", "风险状态"),
    ),
    require_any=(("number", "digital_number"),),
)
"""抵扣勾选 export: the invoices offered for (or selected for) input-tax deduction."""

LEDGER = TableSpec(
    "ledger",
    (
        NUMBER,
        CODE,
        DIGITAL_NUMBER,
        ISSUE_DATE,
        SELLER_TAX_ID,
        SELLER_NAME,
        BUYER_TAX_ID,
        BUYER_NAME,
        NET_AMOUNT,
        TAX_AMOUNT,
        GROSS_AMOUNT,
        KIND_LABEL,
        _text("operator", "录入人", "经办人", "操作员", "Operator", "Entered By"),
        _text("batch", "批次", "批次号", "Batch"),
        _text("voucher", "凭证号", "记账凭证号", "凭证编号", "Voucher", "Voucher No"),
        REMARK,
    ),
    require_any=(("number", "digital_number"),),
)
"""A company's own invoice ledger (发票台账) or another accounting program's export."""

SPECS = {s.name: s for s in (TAX_EXPORT_INVOICES, TAX_EXPORT_LINES, DEDUCTION_EXPORT, LEDGER)}
