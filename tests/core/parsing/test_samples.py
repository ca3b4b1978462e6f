"""Every real XML and OFD sample parses to the fields written in tests/expected/ by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fapiao.core.parsing.api import parse_bytes, parse_path
from fapiao.core.schema import invoice_to_dict

EXPECTED = Path(__file__).resolve().parents[2] / "expected"
CASES = sorted(EXPECTED.glob("*/*.expected.json"))

pytestmark = pytest.mark.samples


def _subset(expected: Any, actual: Any, where: str) -> list[str]:
    """Differences where ``actual`` does not hold what ``expected`` says (extra keys allowed)."""
    if isinstance(expected, dict):
        problems = []
        for key, value in expected.items():
            if key == "line_count":
                if len(actual["lines"]) != value:
                    problems.append(f"{where}.lines: {len(actual['lines'])} lines, want {value}")
                continue
            problems += _subset(value, actual.get(key), f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: {actual!r} has not {len(expected)} items"]
        return [p for i, e in enumerate(expected) for p in _subset(e, actual[i], f"{where}[{i}]")]
    return [] if expected == actual else [f"{where}: got {actual!r}, want {expected!r}"]


def test_every_xml_and_ofd_sample_has_an_expected_file(samples: Path) -> None:
    files = sorted(samples.glob("xml/*.xml")) + sorted(samples.glob("ofd/*.ofd"))
    names = {case.name.removesuffix(".expected.json") for case in CASES}
    assert files
    assert {f.name for f in files} <= names


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_sample_parses_to_expected(case: Path, samples: Path) -> None:
    expected = json.loads(case.read_text("utf-8"))
    result = parse_path(samples / expected["sample"])
    assert not result.errors, [e.as_dict() for e in result.errors]
    assert result.format.value == expected["format"]
    actual = {"invoices": [invoice_to_dict(p.invoice) for p in result.invoices]}
    assert _subset({"invoices": expected["invoices"]}, actual, "") == []


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_sample_sources_agree(case: Path, samples: Path) -> None:
    """The sources inside one real file (attachment, tags, CustomData, QR) do not disagree."""
    expected = json.loads(case.read_text("utf-8"))
    (parsed,) = parse_path(samples / expected["sample"]).invoices
    assert [f.message for f in parsed.invoice.findings if f.code == "merge.disagreement"] == []


def test_legacy_attachment_xml_on_its_own(samples: Path, corpus: Any) -> None:
    """The OFD attachment ``original_invoice.xml`` read as a plain XML file."""
    data = corpus.unzip((samples / "ofd/zhejiang-legacy-ordinary.ofd").read_bytes())
    result = parse_bytes(data["Doc_0/Attachs/original_invoice.xml"])
    (parsed,) = result.invoices
    invoice = parsed.invoice
    assert result.format.value == "xml"
    assert (invoice.code, invoice.number) == ("033002000211", "83089647")
    assert invoice.kind.value == "vat_ordinary_electronic"  # from the GraphCode QR payload
    assert str(invoice.gross_amount) == "526.00"
    assert invoice.fields["number"].source.value == "xml"
