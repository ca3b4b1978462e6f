"""抬头不符 (not addressed to the company): purchase invoices whose buyer is someone else.

A purchase invoice (进项) counts for the company only when its 购买方纳税人识别号 is the company's
own.  A 专用发票 must name the buyer's tax ID; an ordinary invoice to a person may lack one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from fapiao.core.anomalies.base import Alert, invoice_label, normalise_id
from fapiao.core.findings import Severity
from fapiao.core.invoice import Direction, Invoice

BUYER_MISMATCH = "anomaly.buyer_mismatch"
BUYER_TAX_ID_MISSING = "anomaly.buyer_tax_id_missing"


def detect_misaddressed(
    company: str, invoices: Iterable[Invoice], company_tax_ids: Collection[str]
) -> list[Alert]:
    """Purchase invoices with another buyer tax ID, and 专票 without one."""
    own = {normalise_id(t) for t in company_tax_ids} - {""}
    shown = "、".join(sorted(own))
    alerts = []
    for invoice in invoices:
        if invoice.direction is Direction.SALES:
            continue
        label = invoice_label(invoice)
        identity = (invoice.identity,) if invoice.identity else ()
        buyer = normalise_id(invoice.buyer.tax_id)
        name = invoice.buyer.name or "?"
        if buyer and own and buyer not in own:
            alerts.append(
                Alert(
                    BUYER_MISMATCH,
                    Severity.ERROR,
                    company,
                    f"invoice:{label}",
                    f"发票 {label} 的购买方 {name}（{buyer}）不是本公司（{shown}）",
                    f"Invoice {label} is addressed to {name} ({buyer}), not to the company "
                    f"({', '.join(sorted(own))})",
                    {"invoice": label, "buyer_tax_id": buyer, "buyer_name": invoice.buyer.name},
                    identity,
                )
            )
        elif not buyer and invoice.kind.is_special:
            alerts.append(
                Alert(
                    BUYER_TAX_ID_MISSING,
                    Severity.ERROR,
                    company,
                    f"invoice:{label}",
                    f"{invoice.kind.label} {label} 没有购买方纳税人识别号",
                    f"{invoice.kind.label_en} {label} has no buyer tax ID",
                    {"invoice": label, "kind": invoice.kind.value},
                    identity,
                )
            )
    return alerts
