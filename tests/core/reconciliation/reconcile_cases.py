"""Hand-written reconciliation cases (对账用例), written before the engine.

Each case is a tiny ledger (台账) and one or more tax-bureau exports (全量发票查询导出) in the
canonical column layout, plus every result the engine must produce: its category, its suggestion
key (``action``), the ledger row and the export invoice it pairs, and the corrected key that a
``NUMBER_TYPO``-style result must propose.  Keys are written as the engine spells them: the
20-digit 数电 number, or ``发票代码-发票号码``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

COMPANY = "91371400MA949RUW2H"
COMPANY_NAME = "德州天诚健康体检管理有限公司"
SELLER = "91320211MA1WML8X7Q"
SELLER_NAME = "无锡市安协安全培训中心"
OTHER_SELLER = "913701007988544779"
OTHER_BUYER = "91110108675734440R"
AS_OF = dt.date(2025, 5, 20)


def dn(i: int) -> str:
    """A 数电 number (20 digits) distinct per ``i`` and far from its neighbours."""
    seq = (i * 7_919_104_729 + 365_404_822) % 10**15
    return f"25322{seq:015d}"


def tax_row(**kw: Any) -> dict[str, Any]:
    """An export row (发票基础信息) with sensible defaults."""
    row: dict[str, Any] = {
        "code": "",
        "number": "",
        "digital_number": dn(1),
        "seller_tax_id": SELLER,
        "seller_name": SELLER_NAME,
        "buyer_tax_id": COMPANY,
        "buyer_name": COMPANY_NAME,
        "issue_date": "2025-03-10 10:11:12",
        "net_amount": "235.85",
        "tax_amount": "14.15",
        "gross_amount": "250.00",
        "source": "电子发票服务平台",
        "kind_label": "数电发票（普通发票）",
        "status": "正常",
        "is_positive": "是",
        "risk_level": "正常",
        "drawer": "李四",
        "remark": "",
    }
    row.update(kw)
    return row


def legacy(code: str, number: str, **kw: Any) -> dict[str, Any]:
    """A legacy export row identified by (发票代码, 发票号码)."""
    return tax_row(
        code=code,
        number=number,
        digital_number="--",
        source="增值税发票管理系统",
        kind_label="增值税电子普通发票",
        **kw,
    )


def ledger_row(**kw: Any) -> dict[str, Any]:
    """A ledger (台账) row: what the bookkeeper keyed in."""
    row: dict[str, Any] = {
        "code": "",
        "number": "",
        "digital_number": dn(1),
        "seller_tax_id": SELLER,
        "seller_name": SELLER_NAME,
        "buyer_tax_id": COMPANY,
        "buyer_name": COMPANY_NAME,
        "issue_date": "2025-03-10",
        "net_amount": "235.85",
        "tax_amount": "14.15",
        "gross_amount": "250.00",
        "operator": "张三",
        "batch": "2025-03-A",
        "voucher": "记-0001",
    }
    row.update(kw)
    return row


def booked(row: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The ledger copy of an export row, optionally with changes."""
    base = ledger_row(
        code=row["code"],
        number=row["number"],
        digital_number="" if row["digital_number"] == "--" else row["digital_number"],
        seller_tax_id=row["seller_tax_id"],
        seller_name=row["seller_name"],
        buyer_tax_id=row["buyer_tax_id"],
        buyer_name=row["buyer_name"],
        issue_date=row["issue_date"][:10],
        net_amount=row["net_amount"],
        tax_amount=row["tax_amount"],
        gross_amount=row["gross_amount"],
    )
    base.update(kw)
    return base


@dataclass(frozen=True)
class Expect:
    """One expected result: which rows it pairs and what it says."""

    category: str
    action: str
    ledger: int | None = None
    tax: int | None = None
    corrected: str | None = None
    red: tuple[int, ...] = ()


@dataclass(frozen=True)
class Case:
    """A reconciliation case: ledger rows, export rows (``export`` picks the file), results."""

    name: str
    ledger: list[dict[str, Any]]
    tax: list[dict[str, Any]]
    expect: list[Expect]
    exports: list[int] = field(default_factory=list)
    as_of: dt.date = AS_OF
    period: tuple[dt.date, dt.date] | None = None
    sync_days: int = 3
    company_tax_id: str | None = COMPANY


def _sub(s: str, i: int, d: str) -> str:
    return s[:i] + d + s[i + 1 :]


def _swap(s: str, i: int) -> str:
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


T1 = tax_row(digital_number=dn(1))
T2 = tax_row(digital_number=dn(2), net_amount="1000.00", tax_amount="60.00", gross_amount="1060.00")
T3 = tax_row(
    digital_number=dn(3),
    issue_date="2025-03-21 09:00:00",
    gross_amount="99.00",
    net_amount="93.40",
    tax_amount="5.60",
)
L_A = legacy(
    "037002000104", "04763768", net_amount="57.43", tax_amount="0.57", gross_amount="58.00"
)
L_B = legacy(
    "037022000211", "00775974", net_amount="970.87", tax_amount="29.13", gross_amount="1000.00"
)
L_C = legacy(
    "037002100111", "21875268", net_amount="2918.05", tax_amount="0.00", gross_amount="2918.05"
)
RED_FULL = tax_row(
    digital_number=dn(9),
    is_positive="否",
    net_amount="-235.85",
    tax_amount="-14.15",
    gross_amount="-250.00",
    issue_date="2025-03-15 08:00:00",
    remark=f"被红冲蓝字数电发票号码：{dn(1)} 红字发票信息确认单编号：13011225031500012345",
)
RED_PARTIAL = tax_row(
    digital_number=dn(9),
    is_positive="否",
    net_amount="-94.34",
    tax_amount="-5.66",
    gross_amount="-100.00",
    issue_date="2025-03-15 08:00:00",
    remark=f"被红冲蓝字数电发票号码：{dn(1)}",
)
RED_LEGACY = legacy(
    "037001700111",
    "30785031",
    net_amount="-297.03",
    tax_amount="-2.97",
    gross_amount="-300.00",
    is_positive="否",
    remark="对应正数发票代码:037001700111号码:30785030",
    issue_date="2025-03-12 09:30:00",
)
BLUE_LEGACY = legacy(
    "037001700111", "30785030", net_amount="297.03", tax_amount="2.97", gross_amount="300.00"
)
COLLIDE = _sub(dn(1), 19, "0" if dn(1)[19] != "0" else "1")
NEIGHBOUR = tax_row(
    digital_number=COLLIDE,
    seller_tax_id=OTHER_SELLER,
    gross_amount="9.00",
    net_amount="8.49",
    tax_amount="0.51",
    issue_date="2025-03-28 10:00:00",
)
SCI = "2.53220000003654E+19"
SCI_NUMBER = "25322000000365404822"

CASES: list[Case] = [
    # --- exact matches and cosmetic differences -------------------------------------------
    Case("digital exact", [booked(T1)], [T1], [Expect("MATCHED", "none", 0, 0)]),
    Case("legacy exact", [booked(L_A)], [L_A], [Expect("MATCHED", "none", 0, 0)]),
    Case("legacy leading zeros kept", [booked(L_B)], [L_B], [Expect("MATCHED", "none", 0, 0)]),
    Case(
        "buyer name variant stays matched",
        [booked(T1, buyer_name="德州天诚健康体检有限公司")],
        [T1],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    Case(
        "full/half-width brackets in seller name",
        [booked(T1, seller_name="无锡市安协安全培训中心(有限合伙)")],
        [tax_row(seller_name="无锡市安协安全培训中心（有限合伙）")],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    Case(
        "amount formatting differs only",
        [booked(T2, net_amount="1,000", gross_amount="¥1,060.00", tax_amount="60")],
        [T2],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    Case(
        "date written differently",
        [booked(T3, issue_date="2025/3/21")],
        [T3],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    Case(
        "Excel serial date",
        [booked(T3, issue_date="45737")],
        [T3],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    Case(
        "full-width digits and spaces in the key",
        [booked(T1, digital_number="２５３２２ " + dn(1)[5:])],
        [T1],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    Case(
        "digital number keyed in the number column",
        [booked(T1, digital_number="", number=dn(1))],
        [T1],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    Case(
        "数电纸质 booked by code and number",
        [booked(tax_row(), digital_number="", code="144032300104", number="00012345")],
        [tax_row(code="144032300104", number="00012345", kind_label="数电纸质发票（普通发票）")],
        [Expect("MATCHED", "none", 0, 0)],
    ),
    # --- field differences ------------------------------------------------------------------
    Case(
        "net amount differs",
        [booked(T2, net_amount="100.00")],
        [T2],
        [Expect("AMOUNT_MISMATCH", "correct_amount", 0, 0)],
    ),
    Case(
        "gross differs by one cent",
        [booked(T2, gross_amount="1060.01")],
        [T2],
        [Expect("AMOUNT_MISMATCH", "correct_amount", 0, 0)],
    ),
    Case(
        "tax amount differs only",
        [booked(T2, tax_amount="6.00")],
        [T2],
        [Expect("AMOUNT_MISMATCH", "correct_amount", 0, 0)],
    ),
    Case(
        "date differs",
        [booked(T1, issue_date="2025-03-01")],
        [T1],
        [Expect("DATE_MISMATCH", "correct_date", 0, 0)],
    ),
    Case(
        "buyer tax id differs: issued to another taxpayer",
        [booked(T1, buyer_tax_id=OTHER_BUYER)],
        [T1],
        [Expect("BUYER_MISMATCH", "check_buyer", 0, 0)],
    ),
    Case(
        "seller tax id differs",
        [booked(T1, seller_tax_id=OTHER_SELLER)],
        [T1],
        [Expect("SELLER_MISMATCH", "correct_seller", 0, 0)],
    ),
    Case(
        "amount and date differ: amount wins",
        [booked(T2, gross_amount="1600.00", issue_date="2025-03-02")],
        [T2],
        [Expect("AMOUNT_MISMATCH", "correct_amount", 0, 0)],
    ),
    Case(
        "buyer and seller differ: buyer wins",
        [booked(T1, buyer_tax_id=OTHER_BUYER, seller_tax_id=OTHER_SELLER)],
        [T1],
        [Expect("BUYER_MISMATCH", "check_buyer", 0, 0)],
    ),
    Case(
        "seller and date differ: seller wins",
        [booked(T1, seller_tax_id=OTHER_SELLER, issue_date="2025-03-11")],
        [T1],
        [Expect("SELLER_MISMATCH", "correct_seller", 0, 0)],
    ),
    Case(
        "amount, buyer and date differ: amount wins",
        [booked(T1, gross_amount="25.00", buyer_tax_id=OTHER_BUYER, issue_date="2025-03-11")],
        [T1],
        [Expect("AMOUNT_MISMATCH", "correct_amount", 0, 0)],
    ),
    Case(
        "amount and date differ, no other candidate: keep the pair",
        [booked(T1, gross_amount="2500.00", net_amount="2358.50", issue_date="2025-03-30")],
        [T1, T2],
        [
            Expect("AMOUNT_MISMATCH", "correct_amount", 0, 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 1),
        ],
    ),
    # --- number typos -----------------------------------------------------------------------
    Case(
        "one substituted digit",
        [booked(T1, digital_number=_sub(dn(1), 12, "9" if dn(1)[12] != "9" else "8"))],
        [T1],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected=dn(1))],
    ),
    Case(
        "adjacent digits swapped",
        [booked(T2, digital_number=_swap(dn(2), 14))],
        [T2],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected=dn(2))],
    ),
    Case(
        "one digit dropped",
        [booked(T1, digital_number=dn(1)[:7] + dn(1)[8:])],
        [T1],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected=dn(1))],
    ),
    Case(
        "one digit inserted",
        [booked(T1, digital_number=dn(1)[:10] + "7" + dn(1)[10:])],
        [T1],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected=dn(1))],
    ),
    Case(
        "legacy number substitution",
        [booked(L_A, number="04763708")],
        [L_A],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected="037002000104-04763768")],
    ),
    Case(
        "legacy code and number swapped",
        [booked(L_A, code="04763768", number="037002000104")],
        [L_A],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected="037002000104-04763768")],
    ),
    Case(
        "Excel dropped the number's leading zeros",
        [booked(L_B, number="775974")],
        [L_B],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected="037022000211-00775974")],
    ),
    Case(
        "Excel dropped the code's leading zero",
        [booked(L_B, code="37022000211")],
        [L_B],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected="037022000211-00775974")],
    ),
    Case(
        "Excel wrote the 数电 number in scientific notation",
        [booked(tax_row(digital_number=SCI_NUMBER), digital_number=SCI)],
        [tax_row(digital_number=SCI_NUMBER)],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected=SCI_NUMBER)],
    ),
    Case(
        "Excel turned the number into a float",
        [booked(L_C, number="21875268.0")],
        [L_C],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected="037002100111-21875268")],
    ),
    Case(
        "typo plus an amount error",
        [
            booked(
                T2,
                digital_number=_sub(dn(2), 17, "0" if dn(2)[17] != "0" else "1"),
                gross_amount="1006.00",
            )
        ],
        [T2],
        [Expect("AMOUNT_MISMATCH", "correct_amount", 0, 0, corrected=dn(2))],
    ),
    Case(
        "typo plus a date error",
        [booked(T3, digital_number=_swap(dn(3), 8), issue_date="2025-03-12")],
        [T3],
        [Expect("DATE_MISMATCH", "correct_date", 0, 0, corrected=dn(3))],
    ),
    Case(
        "typo inside the sync window is still a typo",
        [
            booked(
                tax_row(digital_number=dn(4), issue_date="2025-05-19 09:00:00"),
                digital_number=_swap(dn(4), 15),
            )
        ],
        [tax_row(digital_number=dn(4), issue_date="2025-05-19 09:00:00")],
        [Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected=dn(4))],
    ),
    Case(
        "typo that landed on another real, unbooked number",
        [booked(T1, digital_number=COLLIDE)],
        [T1, NEIGHBOUR],
        [
            Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected=dn(1)),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 1),
        ],
    ),
    Case(
        "typo that landed on a number already booked",
        [booked(NEIGHBOUR), booked(T1, digital_number=COLLIDE)],
        [T1, NEIGHBOUR],
        [
            Expect("MATCHED", "none", 0, 1),
            Expect("NUMBER_TYPO", "correct_number", 1, 0, corrected=dn(1)),
        ],
    ),
    Case(
        "collision by one digit with a same-seller neighbour",
        [booked(BLUE_LEGACY, number="30785031"), booked(RED_LEGACY)],
        [BLUE_LEGACY, RED_LEGACY],
        [
            Expect("NUMBER_TYPO", "correct_number", 0, 0, corrected="037001700111-30785030"),
            Expect("MATCHED", "none", 1, 1),
        ],
    ),
    Case(
        "near key but nothing else agrees: not a typo",
        [booked(T1, digital_number=_swap(dn(2), 9), seller_tax_id=OTHER_SELLER)],
        [T2],
        [
            Expect("MISSING_IN_TAX", "contact_issuer", 0, None),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    # --- voided and red-letter invoices -----------------------------------------------------
    Case(
        "voided after booking",
        [booked(T1)],
        [tax_row(status="已作废")],
        [Expect("VOIDED", "reverse_booking", 0, 0)],
    ),
    Case(
        "voided and never booked",
        [],
        [tax_row(status="已作废")],
        [Expect("VOIDED", "no_action", None, 0)],
    ),
    Case(
        "voided and amount differs: voided wins",
        [booked(T1, gross_amount="205.00")],
        [tax_row(status="已作废")],
        [Expect("VOIDED", "reverse_booking", 0, 0)],
    ),
    Case(
        "fully reversed, red invoice attached",
        [booked(T1)],
        [tax_row(status="已红冲-全额"), RED_FULL],
        [Expect("RED_REVERSED", "reverse_booking", 0, 0, red=(1,))],
    ),
    Case(
        "partly reversed, red invoice attached",
        [booked(T1)],
        [tax_row(status="已红冲-部分"), RED_PARTIAL],
        [Expect("RED_REVERSED", "adjust_booking", 0, 0, red=(1,))],
    ),
    Case(
        "status not yet updated but a red invoice exists",
        [booked(T1)],
        [T1, RED_FULL],
        [Expect("RED_REVERSED", "reverse_booking", 0, 0, red=(1,))],
    ),
    Case(
        "legacy red invoice found through 备注",
        [booked(BLUE_LEGACY)],
        [BLUE_LEGACY, RED_LEGACY],
        [Expect("RED_REVERSED", "reverse_booking", 0, 0, red=(1,))],
    ),
    Case(
        "blue and red both booked",
        [booked(BLUE_LEGACY), booked(RED_LEGACY)],
        [BLUE_LEGACY, RED_LEGACY],
        [Expect("MATCHED", "none", 0, 0), Expect("MATCHED", "none", 1, 1)],
    ),
    Case(
        "reversed and never booked",
        [],
        [tax_row(status="已红冲-全额"), RED_FULL],
        [Expect("RED_REVERSED", "no_action", None, 0, red=(1,))],
    ),
    Case(
        "red invoice whose blue is not in the export",
        [],
        [RED_FULL],
        [Expect("MISSING_IN_LEDGER", "book_red_invoice", None, 0)],
    ),
    # --- duplicates -------------------------------------------------------------------------
    Case(
        "booked twice",
        [booked(T1), booked(T1, voucher="记-0099")],
        [T1],
        [Expect("MATCHED", "none", 0, 0), Expect("DUPLICATE_IN_LEDGER", "remove_duplicate", 1)],
    ),
    Case(
        "booked three times",
        [booked(T1), booked(T1), booked(T1)],
        [T1],
        [
            Expect("MATCHED", "none", 0, 0),
            Expect("DUPLICATE_IN_LEDGER", "remove_duplicate", 1),
            Expect("DUPLICATE_IN_LEDGER", "remove_duplicate", 2),
        ],
    ),
    Case(
        "booked twice, first copy has a wrong amount",
        [booked(T2, gross_amount="1600.00"), booked(T2)],
        [T2],
        [Expect("MATCHED", "none", 1, 0), Expect("DUPLICATE_IN_LEDGER", "remove_duplicate", 0)],
    ),
    Case(
        "a voided invoice booked twice",
        [booked(T1), booked(T1)],
        [tax_row(status="已作废")],
        [
            Expect("VOIDED", "reverse_booking", 0, 0),
            Expect("DUPLICATE_IN_LEDGER", "remove_duplicate", 1),
        ],
    ),
    Case(
        "a missing invoice booked twice",
        [booked(T1), booked(T1)],
        [T2],
        [
            Expect("MISSING_IN_TAX", "contact_issuer", 0),
            Expect("DUPLICATE_IN_LEDGER", "remove_duplicate", 1),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    # --- ledger-only and export-only --------------------------------------------------------
    Case(
        "issued yesterday: not yet synced",
        [booked(T1, issue_date="2025-05-19")],
        [T2],
        [
            Expect("NOT_YET_SYNCED", "recheck_next_export", 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    Case(
        "issued exactly sync_days ago: still pending",
        [booked(T1, issue_date="2025-05-17")],
        [T2],
        [
            Expect("NOT_YET_SYNCED", "recheck_next_export", 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    Case(
        "a longer sync window",
        [booked(T1, issue_date="2025-05-12")],
        [T2],
        [
            Expect("NOT_YET_SYNCED", "recheck_next_export", 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
        sync_days=10,
    ),
    Case(
        "dated before the export period",
        [booked(T1, issue_date="2025-02-27")],
        [T2],
        [
            Expect("OUTSIDE_EXPORT_PERIOD", "reexport_period", 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    Case(
        "dated after the inferred period (whole months)",
        [
            booked(T1, digital_number=dn(5), issue_date="2025-03-31"),
            booked(T1, digital_number=dn(6), issue_date="2025-04-02"),
        ],
        [T2],
        [
            Expect("MISSING_IN_TAX", "contact_issuer", 0),
            Expect("OUTSIDE_EXPORT_PERIOD", "reexport_period", 1),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    Case(
        "given period overrides the inferred one",
        [booked(T1, digital_number=dn(5), issue_date="2025-04-15")],
        [T2],
        [
            Expect("MISSING_IN_TAX", "contact_issuer", 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
        period=(dt.date(2025, 3, 1), dt.date(2025, 4, 30)),
    ),
    Case(
        "ledger only, in period: missing in tax",
        [booked(T1, digital_number=dn(7))],
        [T2],
        [
            Expect("MISSING_IN_TAX", "contact_issuer", 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    Case(
        "ledger only, unreadable date",
        [booked(T1, digital_number=dn(7), issue_date="下周")],
        [T2],
        [
            Expect("MISSING_IN_TAX", "contact_issuer", 0),
            Expect("MISSING_IN_LEDGER", "book_purchase", None, 0),
        ],
    ),
    Case(
        "unbooked sale",
        [],
        [tax_row(seller_tax_id=COMPANY, seller_name=COMPANY_NAME, buyer_tax_id=OTHER_BUYER)],
        [Expect("MISSING_IN_LEDGER", "book_sale", None, 0)],
    ),
    Case(
        "unbooked, company unknown",
        [],
        [T1],
        [Expect("MISSING_IN_LEDGER", "book_invoice", None, 0)],
        company_tax_id=None,
    ),
    # --- several exports --------------------------------------------------------------------
    Case(
        "overlapping exports counted once",
        [booked(T1), booked(T2)],
        [T1, T2, T1],
        [Expect("MATCHED", "none", 0, 0), Expect("MATCHED", "none", 1, 1)],
        exports=[0, 0, 1],
    ),
    Case(
        "deduction export adds status to the same invoice",
        [booked(T1)],
        [
            T1,
            {
                "digital_number": dn(1),
                "issue_date": "2025-03-10 10:11:12",
                "net_amount": "235.85",
                "tax_amount": "14.15",
                "seller_tax_id": SELLER,
                "buyer_tax_id": COMPANY,
                "status": "正常",
                "deduction_status": "已勾选",
            },
        ],
        [Expect("MATCHED", "none", 0, 0)],
        exports=[0, 1],
    ),
    Case(
        "a later export says voided",
        [booked(T1)],
        [T1, tax_row(status="已作废")],
        [Expect("VOIDED", "reverse_booking", 0, 0)],
        exports=[0, 1],
    ),
]
