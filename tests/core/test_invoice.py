"""The invoice model: kinds, identity, provenance ranks, China dates."""

from __future__ import annotations

import datetime as dt

from fapiao.core.invoice import (
    KIND_LABELS,
    FieldSource,
    Invoice,
    InvoiceKind,
    Trust,
    china_today,
)


def test_every_kind_has_chinese_and_english_labels() -> None:
    assert set(KIND_LABELS) == set(InvoiceKind)
    assert InvoiceKind.DIGITAL_SPECIAL.label == "数电专票"
    assert InvoiceKind.TOLL.label_en.startswith("Toll")


def test_digital_and_special_kinds() -> None:
    assert InvoiceKind.DIGITAL_ORDINARY.is_digital
    assert not InvoiceKind.VAT_SPECIAL_PAPER.is_digital
    assert InvoiceKind.VAT_SPECIAL_PAPER.is_special
    assert not InvoiceKind.DIGITAL_ORDINARY.is_special


def test_identity_prefers_the_digital_number() -> None:
    assert Invoice(number="25322000000365404822").identity == ("", "25322000000365404822")
    paper = Invoice(code="144032300004", number="01234567", digital_number="2" * 20)
    assert paper.identity == ("", "2" * 20)
    assert Invoice(code="011002100111", number="00123456").identity == ("011002100111", "00123456")
    assert Invoice(number="00123456").identity is None


def test_sources_are_ranked_manual_first_ocr_last() -> None:
    ranked = sorted(FieldSource, key=lambda s: s.trust, reverse=True)
    assert ranked == [
        FieldSource.MANUAL,
        FieldSource.XML,
        FieldSource.OFD,
        FieldSource.QR,
        FieldSource.EXPORT,
        FieldSource.PDF_TEXT,
        FieldSource.OCR,
    ]
    assert Trust.GOOD.confidence == 0.85


def test_china_today_crosses_midnight_before_utc() -> None:
    late_utc = dt.datetime(2024, 3, 31, 16, 30, tzinfo=dt.UTC)
    assert china_today(late_utc) == dt.date(2024, 4, 1)
    assert china_today(dt.datetime(2024, 3, 31, 15, 59, tzinfo=dt.UTC)) == dt.date(2024, 3, 31)
