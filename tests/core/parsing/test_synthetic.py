"""The synthetic corpus parses back with 100 % key-field accuracy (XML, every OFD variant, ZIPs)."""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any

import pytest

from fapiao.core.parsing.api import parse_bytes
from fapiao.core.parsing.base import FileFormat
from fapiao.core.schema import invoice_to_dict


def key_fields(invoice: Any) -> dict[str, Any]:
    data = invoice_to_dict(invoice)
    keys = ("kind", "number", "code", "issue_date", "net_amount", "tax_amount", "gross_amount")
    out = {key: data[key] for key in keys}
    out["is_red"] = data["is_red"]
    for party in ("seller", "buyer"):
        out[f"{party}.tax_id"] = data[party]["tax_id"]
        out[f"{party}.name"] = data[party]["name"]
    return out


def _documents(corpus: ModuleType, seed: int, count: int) -> list[tuple[str, bytes, Any]]:
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        digital, red = i % 2 == 0, i % 3 == 0
        truth = corpus.random_truth(rng, digital=digital, red=red)
        if digital:
            docs.append(("xml", corpus.einvoice_xml(truth), truth))
        for variant in corpus.OFD_VARIANTS:
            if digital and variant not in corpus.DIGITAL_VARIANTS:
                continue
            docs.append((variant, corpus.ofd(truth, variant), truth))
    return docs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_files_parse_with_full_key_field_accuracy(corpus: ModuleType, seed: int) -> None:
    docs = _documents(corpus, seed, 24)
    wrong = []
    for variant, data, truth in docs:
        result = parse_bytes(data)
        assert not result.errors, (variant, [e.as_dict() for e in result.errors])
        (parsed,) = result.invoices
        got, want = key_fields(parsed.invoice), truth.key_fields()
        if got != want:
            wrong.append((variant, {k: (got[k], want[k]) for k in want if got[k] != want[k]}))
        disagreements = [f for f in parsed.invoice.findings if f.code == "merge.disagreement"]
        assert disagreements == [], (variant, disagreements)
    assert wrong == []
    assert {variant for variant, _, _ in docs} == {"xml", *corpus.OFD_VARIANTS}


def test_red_digital_xml_keeps_the_blue_link(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(7), digital=True, red=True)
    (parsed,) = parse_bytes(corpus.einvoice_xml(truth)).invoices
    invoice = parsed.invoice
    assert invoice.is_red
    assert invoice.original_number == truth.original_number
    assert invoice.red_confirmation_number == truth.red_confirmation_number
    assert invoice.gross_amount is not None
    assert invoice.gross_amount < 0


def test_red_legacy_ofd_links_the_blue_invoice_from_the_remark(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(8), digital=False, red=True)
    (parsed,) = parse_bytes(corpus.ofd(truth, "malformed_root")).invoices
    assert parsed.invoice.is_red
    assert parsed.invoice.original_code == truth.original_code
    assert parsed.invoice.original_number == truth.original_number


def test_zip_of_ofds_and_xml_remembers_members(corpus: ModuleType) -> None:
    docs = _documents(corpus, 11, 4)
    members = {
        f"2024-05/{i:02d}-{variant}.{'xml' if variant == 'xml' else 'ofd'}": data
        for i, (variant, data, _) in enumerate(docs)
    }
    result = parse_bytes(corpus.zip_of(members))
    assert result.format is FileFormat.ZIP
    assert result.errors == ()
    assert [p.member for p in result.invoices] == list(members)
    for parsed, (_, _, truth) in zip(result.invoices, docs, strict=True):
        assert key_fields(parsed.invoice) == truth.key_fields()


def test_nested_zip_members_carry_their_full_path(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(3), digital=True)
    inner = corpus.zip_of({"a/发票.xml": corpus.einvoice_xml(truth)})
    result = parse_bytes(corpus.zip_of({"outer/inner.zip": inner}))
    assert [p.member for p in result.invoices] == ["outer/inner.zip/a/发票.xml"]


def test_gbk_member_names_decode(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(4), digital=True)
    data = corpus.zip_of({"进项发票/五月.xml": corpus.einvoice_xml(truth)}, gbk_names=True)
    assert "进项发票".encode("gbk") in data  # stored as GBK bytes, without the UTF-8 flag
    (parsed,) = parse_bytes(data).invoices
    assert parsed.member == "进项发票/五月.xml"
