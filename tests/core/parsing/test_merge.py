"""Merging candidate readings: best source per field, every disagreement reported."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fapiao.core.invoice import FieldInfo, FieldSource, Invoice, InvoiceKind, InvoiceLine, Party
from fapiao.core.parsing.merge import merge
from fapiao.core.parsing.values import assemble


def _candidate(source: FieldSource, confidence: float = 1.0, **values: object) -> Invoice:
    return assemble(values, source=source, confidence=confidence)


def test_best_source_wins_and_disagreement_is_reported() -> None:
    ocr = _candidate(FieldSource.OCR, 0.9, number="12345678", gross_amount=Decimal("100.00"))
    xml = _candidate(FieldSource.XML, number="12345679", gross_amount=Decimal("100"))
    merged = merge([ocr, xml])
    assert merged.number == "12345679"
    assert merged.fields["number"] == FieldInfo(FieldSource.XML, 1.0)
    (finding,) = merged.findings  # 100.00 and 100 agree
    assert finding.code == "merge.disagreement"
    assert finding.severity.value == "warning"
    assert finding.field == "number"
    assert finding.values == {
        "value": "12345679",
        "source": "xml",
        "other_value": "12345678",
        "other_source": "ocr",
    }
    assert "12345678" in finding.message
    assert "12345679" in finding.message_en


def test_ties_are_broken_by_confidence() -> None:
    low = _candidate(FieldSource.OCR, 0.4, number="11111111")
    high = _candidate(FieldSource.OCR, 0.7, number="22222222")
    assert merge([low, high]).number == "22222222"


def test_missing_values_are_filled_from_worse_sources() -> None:
    ofd = _candidate(FieldSource.OFD, number="83089647", **{"seller.tax_id": "92330781MA2EDMFU50"})
    qr = _candidate(FieldSource.QR, number="83089647", check_code="16197833567414507415")
    merged = merge([qr, ofd])
    assert merged.check_code == "16197833567414507415"
    assert merged.fields["check_code"].source is FieldSource.QR
    assert merged.seller == Party(tax_id="92330781MA2EDMFU50")
    assert merged.fields["seller.tax_id"].source is FieldSource.OFD
    assert merged.findings == ()


def test_names_differing_only_in_bracket_width_agree() -> None:
    a = _candidate(FieldSource.XML, **{"buyer.name": "某某公司（分店）"})
    b = _candidate(FieldSource.PDF_TEXT, 0.85, **{"buyer.name": "某某公司(分店)"})
    merged = merge([b, a])
    assert merged.buyer.name == "某某公司（分店）"
    assert merged.findings == ()


def test_lines_come_from_the_best_source_with_lines() -> None:
    line = InvoiceLine(name="*餐饮服务*餐费", net_amount=Decimal("10.00"))
    ocr = assemble({"number": "1"}, source=FieldSource.OCR, confidence=0.7, lines=[{"name": "餐"}])
    ofd = assemble(
        {"number": "1"},
        source=FieldSource.OFD,
        confidence=0.95,
        lines=[{"name": line.name, "net_amount": line.net_amount}],
    )
    qr = _candidate(FieldSource.QR, number="1")
    merged = merge([ocr, qr, ofd])
    assert merged.lines == (line,)
    assert merged.fields["lines"].source is FieldSource.OFD


def test_kind_other_and_default_is_red_are_not_values() -> None:
    xml = _candidate(FieldSource.XML, number="1")
    qr = _candidate(FieldSource.QR, number="1", kind=InvoiceKind.DIGITAL_ORDINARY, is_red=True)
    merged = merge([xml, qr])
    assert merged.kind is InvoiceKind.DIGITAL_ORDINARY
    assert merged.is_red
    assert merged.findings == ()


def test_explicit_blue_beats_a_worse_red_and_is_reported() -> None:
    xml = _candidate(FieldSource.XML, number="1", is_red=False)
    ocr = _candidate(FieldSource.OCR, 0.5, number="1", is_red=True)
    merged = merge([ocr, xml])
    assert not merged.is_red
    assert [f.field for f in merged.findings] == ["is_red"]


def test_candidate_findings_are_kept_once() -> None:
    from fapiao.core.findings import info

    note = info("x.note", "说明", "note")
    a = assemble({"number": "1"}, source=FieldSource.OFD, confidence=1.0, findings=[note])
    b = assemble({"number": "1"}, source=FieldSource.QR, confidence=1.0, findings=[note])
    assert merge([a, b]).findings == (note,)


def test_merge_needs_a_candidate() -> None:
    with pytest.raises(ValueError, match="at least one"):
        merge([])
