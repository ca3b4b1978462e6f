"""重复报销 (duplicate reimbursement): the same invoice claimed in more than one expense claim.

The identity of an invoice is the one the tax bureau knows it by (see formats reference §1): the
20-digit 数电 number, or 发票代码 + 发票号码.  A claim (报销单) lists the invoices it reimburses;
one invoice in two different claims is paid twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from fapiao.core.anomalies.base import (
    Alert,
    InvoiceIdentity,
    identity_label,
    normalise_id,
    normalise_identity,
)
from fapiao.core.findings import Severity

DUPLICATE_CLAIM = "anomaly.duplicate_claim"


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """报销记录: one invoice in one expense claim."""

    claim_id: str  # 报销单号
    invoice: InvoiceIdentity
    claimant: str  # 报销人
    claimed_on: dt.date | None = None


def detect_duplicate_claims(company: str, claims: Iterable[ClaimRecord]) -> list[Alert]:
    """One alert per invoice that appears in two or more different claims."""
    by_invoice: dict[InvoiceIdentity, dict[str, ClaimRecord]] = {}
    for claim in claims:
        identity = normalise_identity(claim.invoice)
        if not identity[1]:
            continue
        by_invoice.setdefault(identity, {}).setdefault(normalise_id(claim.claim_id), claim)
    alerts = []
    for identity, by_claim in by_invoice.items():
        if len(by_claim) < 2:
            continue
        records = sorted(by_claim.values(), key=lambda c: (c.claimed_on or dt.date.min, c.claim_id))
        label = identity_label(identity)
        claim_ids = "、".join(c.claim_id for c in records)
        claim_ids_en = ", ".join(c.claim_id for c in records)
        claimants = "、".join(dict.fromkeys(c.claimant for c in records))
        claimants_en = ", ".join(dict.fromkeys(c.claimant for c in records))
        alerts.append(
            Alert(
                DUPLICATE_CLAIM,
                Severity.ERROR,
                company,
                f"invoice:{label}",
                f"发票 {label} 被重复报销 {len(records)} 次："
                f"报销单 {claim_ids}（报销人 {claimants}）",
                f"Invoice {label} was claimed {len(records)} times: claims {claim_ids_en} "
                f"(claimants {claimants_en})",
                {"invoice": label, "count": len(records), "claims": claim_ids_en},
                (identity,),
            )
        )
    return alerts
