"""Result categories (对账结果类别) and suggestion keys (处理建议), with stable codes."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """对账结果类别: every ledger row and every export row ends in exactly one of these."""

    MATCHED = "MATCHED"  # 一致
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"  # 金额不符
    DATE_MISMATCH = "DATE_MISMATCH"  # 开票日期不符
    BUYER_MISMATCH = "BUYER_MISMATCH"  # 购方税号不符
    SELLER_MISMATCH = "SELLER_MISMATCH"  # 销方税号不符
    NUMBER_TYPO = "NUMBER_TYPO"  # 号码录入错误
    VOIDED = "VOIDED"  # 已作废
    RED_REVERSED = "RED_REVERSED"  # 已红冲
    NOT_YET_SYNCED = "NOT_YET_SYNCED"  # 税务系统尚未同步（待复核）
    OUTSIDE_EXPORT_PERIOD = "OUTSIDE_EXPORT_PERIOD"  # 不在导出期间
    DUPLICATE_IN_LEDGER = "DUPLICATE_IN_LEDGER"  # 台账重复入账
    MISSING_IN_TAX = "MISSING_IN_TAX"  # 税务系统无此发票
    MISSING_IN_LEDGER = "MISSING_IN_LEDGER"  # 台账未入账

    @property
    def label(self) -> str:
        """The Chinese name of the category."""
        return CATEGORY_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """The English name of the category."""
        return CATEGORY_LABELS[self][1]


CATEGORY_LABELS: dict[Category, tuple[str, str]] = {
    Category.MATCHED: ("一致", "Matched"),
    Category.AMOUNT_MISMATCH: ("金额不符", "Amount mismatch"),
    Category.DATE_MISMATCH: ("开票日期不符", "Date mismatch"),
    Category.BUYER_MISMATCH: ("购方税号不符", "Buyer mismatch"),
    Category.SELLER_MISMATCH: ("销方税号不符", "Seller mismatch"),
    Category.NUMBER_TYPO: ("号码录入错误", "Number typo"),
    Category.VOIDED: ("已作废", "Voided"),
    Category.RED_REVERSED: ("已红冲", "Red-letter reversed"),
    Category.NOT_YET_SYNCED: ("尚未同步（待复核）", "Not yet synced (pending)"),
    Category.OUTSIDE_EXPORT_PERIOD: ("不在导出期间", "Outside the export period"),
    Category.DUPLICATE_IN_LEDGER: ("重复入账", "Duplicate in ledger"),
    Category.MISSING_IN_TAX: ("税务系统无此发票", "Missing in tax system"),
    Category.MISSING_IN_LEDGER: ("台账未入账", "Missing in ledger"),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "none": ("无需处理", "No action needed"),
    "correct_amount": ("更正台账金额", "Correct the amount in the ledger"),
    "correct_date": ("更正开票日期", "Correct the issue date"),
    "check_buyer": ("核实购方税号", "Check the buyer tax ID"),
    "correct_seller": ("更正销方税号", "Correct the seller tax ID"),
    "correct_number": ("更正发票号码", "Correct the invoice number"),
    "reverse_booking": ("冲销入账", "Reverse the booking"),
    "adjust_booking": ("按红字发票调整入账", "Adjust the booking by the red invoice"),
    "no_action": ("无需处理", "No action needed"),
    "book_remaining": ("按剩余金额入账", "Book the remaining amount"),
    "recheck_next_export": ("下次导出后复核", "Re-check against the next export"),
    "reexport_period": ("重新导出覆盖该期间", "Re-export covering this period"),
    "remove_duplicate": ("删除重复记录", "Remove the duplicate"),
    "contact_issuer": ("联系开票方核实", "Contact the issuer"),
    "book_purchase": ("进项发票入账", "Book the purchase invoice"),
    "book_sale": ("销项发票入账", "Book the sales invoice"),
    "book_invoice": ("核实并入账", "Check and book the invoice"),
    "book_red_invoice": ("红字发票入账", "Book the red-letter invoice"),
}
"""Suggestion keys (``action``): a stable code with a short Chinese and English label."""

PENDING = frozenset({Category.NOT_YET_SYNCED})
"""Categories that are re-checked against the next export rather than reported as problems."""
