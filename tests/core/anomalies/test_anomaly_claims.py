from __future__ import annotations

import datetime as dt

from fapiao.core.anomalies import ClaimRecord, detect_duplicate_claims
from fapiao.core.findings import Severity

DIGITAL = ("", "24112000000012345678")


def test_same_invoice_in_two_claims_alerts_naming_both() -> None:
    claims = [
        ClaimRecord("BX-001", DIGITAL, "张三", dt.date(2024, 3, 1)),
        ClaimRecord("BX-007", ("", " 2411200000 0012345678 "), "李四", dt.date(2024, 3, 9)),
        ClaimRecord("BX-002", ("", "24112000000099999999"), "张三"),
    ]
    [alert] = detect_duplicate_claims("acme", claims)
    assert alert.code == "anomaly.duplicate_claim"
    assert alert.severity is Severity.ERROR
    assert alert.company == "acme"
    assert alert.invoices == (DIGITAL,)
    assert alert.subject == "invoice:24112000000012345678"
    assert "BX-001、BX-007" in alert.message
    assert "张三、李四" in alert.message
    assert "claimed 2 times" in alert.message_en
    assert alert.values["count"] == 2


def test_same_claim_saved_twice_is_not_a_duplicate() -> None:
    claims = [ClaimRecord("BX-001", DIGITAL, "张三"), ClaimRecord("bx-001", DIGITAL, "张三")]
    assert detect_duplicate_claims("acme", claims) == []


def test_same_number_under_another_code_is_another_invoice() -> None:
    claims = [
        ClaimRecord("BX-1", ("037002000104", "04763768"), "张三"),
        ClaimRecord("BX-2", ("037002100104", "04763768"), "张三"),
    ]
    assert detect_duplicate_claims("acme", claims) == []


def test_legacy_identity_keeps_leading_zeros_in_the_message() -> None:
    identity = ("037002000104", "01970179")
    claims = [ClaimRecord("BX-1", identity, "张三"), ClaimRecord("BX-2", identity, "王五")]
    [alert] = detect_duplicate_claims("acme", claims)
    assert "037002000104/01970179" in alert.message
    assert alert.invoices == (identity,)
