"""Helpers for claims: a draft claim with invoices, built through the services."""

from __future__ import annotations

from typing import Any

from fapiao.web.claims.models import Claim
from fapiao.web.claims.services import claim_create, claim_invoice_add


def claim_with(company: Any, claimant: Any, *invoices: Any, title: str = "差旅报销") -> Claim:
    """A draft claim of ``claimant`` holding ``invoices`` (added through the service)."""
    claim = claim_create(company=company, claimant=claimant, title=title)
    for record in invoices:
        claim_invoice_add(claim=claim, record=record, actor=claimant)
    return claim
