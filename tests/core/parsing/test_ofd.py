"""OFD details: quirk repair, path resolution, and the QR image fallback (fake decoder)."""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from fapiao.core.invoice import FieldSource, InvoiceKind
from fapiao.core.parsing.base import ParseOptions
from fapiao.core.parsing.ofd import read_ofd, repair_xml
from fapiao.core.parsing.xmlsafe import local, parse_xml


def test_repair_malformed_root_and_undeclared_prefix() -> None:
    broken = b'<?xml version="1.0"?>\n<:eInvoice xmlns:=""><InvoiceNo><ofd:ObjectRef PageRef="1">7'
    broken += b"</ofd:ObjectRef></InvoiceNo></:eInvoice>"
    root = parse_xml(repair_xml(broken))
    assert local(root) == "eInvoice"
    assert [local(e) for e in root.iter()] == ["eInvoice", "InvoiceNo", "ObjectRef"]


def test_repair_leaves_good_xml_alone() -> None:
    good = b'<ofd:root xmlns:ofd="http://www.ofdspec.org/2016"><ofd:a/></ofd:root>'
    assert repair_xml(good) == good


class FakeDecoder(ModuleType):
    """Stands in for fapiao.core.parsing.qr_decode (the boundary), recording its calls."""

    def __init__(self, payloads: list[str]) -> None:
        super().__init__("fapiao.core.parsing.qr_decode")
        self.payloads = payloads
        self.calls = 0

    def decode_qr(self, image_bytes: bytes) -> list[str]:
        self.calls += 1
        return list(self.payloads)


def _install(monkeypatch: pytest.MonkeyPatch, payloads: list[str]) -> FakeDecoder:
    fake = FakeDecoder(payloads)
    monkeypatch.setitem(sys.modules, "fapiao.core.parsing.qr_decode", fake)
    return fake


def _with_png(corpus: ModuleType, ofd: bytes) -> bytes:
    members = corpus.unzip(ofd)
    members["Doc_0/Res/image_1.png"] = b"\x89PNG\r\n\x1a\nfake"
    return corpus.zip_of(members)


def test_qr_image_is_decoded_when_key_fields_are_missing(
    corpus: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = corpus.random_truth(random.Random(1), digital=True)
    data = _with_png(corpus, corpus.ofd(truth, "customdata"))
    members = corpus.unzip(data)  # drop the template: no title, so the kind is unknown
    members["Doc_0/Tpls/Tpl_0/Content.xml"] = b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>'
    payload = f"01,32,,{truth.number},{truth.gross:.2f},{truth.issue_date:%Y%m%d},,AB12"
    fake = _install(monkeypatch, ["not a payload", payload])
    invoice = read_ofd(corpus.zip_of(members), ParseOptions())
    assert fake.calls == 1
    assert invoice.kind is InvoiceKind.DIGITAL_ORDINARY
    assert invoice.fields["kind"].source is FieldSource.QR


def test_qr_image_is_not_decoded_when_structured_data_is_complete(
    corpus: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = corpus.random_truth(random.Random(2), digital=True)
    fake = _install(monkeypatch, [])
    read_ofd(_with_png(corpus, corpus.ofd(truth, "customtag_root")), ParseOptions())
    assert fake.calls == 0


def test_verify_qr_cross_checks_and_keeps_the_ofd_value(
    corpus: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = corpus.random_truth(random.Random(3), digital=True)
    wrong = truth.gross + 1
    payload = f"01,31,,{truth.number},{wrong:.2f},{truth.issue_date:%Y%m%d},,AB12"
    fake = _install(monkeypatch, [payload])
    data = _with_png(corpus, corpus.ofd(truth, "customtag_root"))
    invoice = read_ofd(data, ParseOptions(verify_qr=True))
    assert fake.calls == 1
    assert invoice.gross_amount == truth.gross
    (finding,) = [f for f in invoice.findings if f.code == "merge.disagreement"]
    assert finding.field == "gross_amount"
    assert finding.values["other_source"] == "qr"
    assert Decimal(finding.values["other_value"]) == wrong


def test_missing_decoder_is_an_info_finding(
    corpus: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "fapiao.core.parsing.qr_decode", None)  # import fails
    truth = corpus.random_truth(random.Random(4), digital=True)
    invoice = read_ofd(
        _with_png(corpus, corpus.ofd(truth, "customtag_root")), ParseOptions(verify_qr=True)
    )
    assert [f.code for f in invoice.findings] == ["ofd.qr_unavailable"]
    assert invoice.findings[0].severity.value == "info"
    assert invoice.number == truth.number


@pytest.mark.samples
def test_taxplatform_sample_qr_png_is_read_by_the_real_decoder(samples: Path) -> None:
    pytest.importorskip("fapiao.core.parsing.qr_decode", reason="QR decoder not written yet")
    data = (samples / "ofd/digital-special-taxplatform.ofd").read_bytes()
    invoice = read_ofd(data, ParseOptions(verify_qr=True))
    assert "ofd.qr_unreadable" not in [f.code for f in invoice.findings]
    assert [f for f in invoice.findings if f.code == "merge.disagreement"] == []


@pytest.mark.parametrize("red", [False, True])
def test_synthetic_qr_png_is_read_and_agrees_in_every_variant(
    corpus: ModuleType, red: bool
) -> None:
    """The bench's verify-qr corpus: every variant's QR image is decoded for real and agrees
    with the structured data (a QR that cannot be read would leave the first assert false)."""
    rng = random.Random(9)
    for variant in corpus.OFD_VARIANTS:
        digital = variant in corpus.DIGITAL_VARIANTS
        truth = corpus.random_truth(rng, digital=digital, red=red)
        data = corpus.ofd(truth, variant, qr_image=True)
        invoice = read_ofd(data, ParseOptions(verify_qr=True))
        codes = [f.code for f in invoice.findings]
        assert "ofd.qr_unreadable" not in codes, variant
        assert "merge.disagreement" not in codes, (variant, invoice.findings)
        members = corpus.unzip(data)
        wrong = corpus.qr_payload(truth).replace(truth.number, truth.number[:-1] + "0", 1)
        if wrong == corpus.qr_payload(truth):
            wrong = corpus.qr_payload(truth).replace(truth.number, truth.number[:-1] + "1", 1)
        members["Doc_0/Res/qr.png"] = corpus.qr_png(wrong)
        tampered = read_ofd(corpus.zip_of(members), ParseOptions(verify_qr=True))
        assert tampered.number == truth.number, variant
        assert [f.field for f in tampered.findings if f.code == "merge.disagreement"] == [
            "number"
        ], variant
