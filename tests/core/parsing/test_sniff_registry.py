"""Sniffing by content, the registry's lazy readers, and the parse entry points."""

from __future__ import annotations

import random
from pathlib import Path
from types import ModuleType

import pytest

from fapiao.core.errors import ParseError, UnsupportedFormat
from fapiao.core.parsing import registry
from fapiao.core.parsing.api import parse_bytes, parse_path
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.sniff import sniff


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"%PDF-1.7\n...", FileFormat.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", FileFormat.IMAGE),
        (b"\x89PNG\r\n\x1a\n\x00\x00", FileFormat.IMAGE),
        (b"II*\x00\x08\x00", FileFormat.IMAGE),
        (b"MM\x00*\x00\x08", FileFormat.IMAGE),
        (b"BM\x1e\x00\x00\x00", FileFormat.IMAGE),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", FileFormat.IMAGE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", FileFormat.XLS),
        (b"<?xml version='1.0'?><EInvoice/>", FileFormat.XML),
        ("\ufeff<eInvoice><发票/></eInvoice>".encode(), FileFormat.XML),
        (b"<html><body>hello</body></html>", FileFormat.UNKNOWN),
        ("发票号码,金额\n123,1.00\n456,2.00\n".encode("gb18030"), FileFormat.CSV),
        (b"a\tb\tc\n1\t2\t3\n", FileFormat.CSV),
        (b"just some prose without any delimiter", FileFormat.UNKNOWN),
        (b"\x00\x01\x02\x03", FileFormat.UNKNOWN),
        (b"", FileFormat.UNKNOWN),
    ],
)
def test_sniff_by_magic_and_text(data: bytes, fmt: FileFormat) -> None:
    assert sniff(data) is fmt


def test_sniff_tells_zip_containers_apart(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(1), digital=False)
    ofd = corpus.ofd(truth, "attachment")
    assert sniff(ofd) is FileFormat.OFD
    assert sniff(corpus.zip_of({"a.ofd": ofd})) is FileFormat.ZIP
    assert sniff(corpus.zip_of({"xl/workbook.xml": b"<workbook/>"})) is FileFormat.XLSX
    assert sniff(ofd[:200]) is FileFormat.OFD  # truncated, but the first member is OFD.xml


def test_registry_reports_unavailable_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BUILTIN_PARSERS, FileFormat.PDF, ("fapiao.no_such_module", "X"))
    monkeypatch.delitem(registry._PARSERS, FileFormat.PDF, raising=False)
    with pytest.raises(UnsupportedFormat, match="unavailable"):
        registry.parser_for(FileFormat.PDF)
    with pytest.raises(UnsupportedFormat):
        registry.parser_for(FileFormat.UNKNOWN)


def test_registered_parser_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeCsv:
        formats = frozenset({FileFormat.CSV})

        def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
            raise ParseError("假的", "fake")

    monkeypatch.setattr(registry, "_PARSERS", {})
    registry.register(FakeCsv())
    assert isinstance(registry.parser_for(FileFormat.CSV), FakeCsv)
    (error,) = parse_bytes(b"a,b\n1,2\n").errors
    assert error.message_en == "fake"


def test_reader_bug_becomes_a_corrupt_file_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        formats = frozenset({FileFormat.CSV})

        def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
            raise KeyError("boom")

    monkeypatch.setattr(registry, "_PARSERS", {FileFormat.CSV: Broken()})
    (error,) = parse_bytes(b"a,b\n1,2\n").errors
    assert error.code == "corrupt"
    assert "KeyError" in error.message_en


def test_parse_runs_the_rules(corpus: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    from fapiao.core.findings import warning
    from fapiao.core.parsing import api

    seen: list[str | None] = []

    def fake_validate(invoice, context):  # type: ignore[no-untyped-def]
        seen.append(context.company_tax_id)
        return api.dataclasses.replace(
            invoice, findings=(*invoice.findings, warning("t.rule", "规则", "rule"))
        )

    monkeypatch.setattr("fapiao.core.rules.base.validate", fake_validate)
    truth = corpus.random_truth(random.Random(2), digital=True)
    options = ParseOptions(company_tax_id="91110000000000000X")
    (parsed,) = parse_bytes(corpus.einvoice_xml(truth), options=options).invoices
    assert seen == ["91110000000000000X"]
    assert [f.code for f in parsed.invoice.findings] == ["t.rule"]
    assert isinstance(parsed, ParsedInvoice)


def test_parse_path_reads_an_unzipped_ofd_folder(corpus: ModuleType, tmp_path: Path) -> None:
    truth = corpus.random_truth(random.Random(3), digital=False)
    folder = tmp_path / "invoice"
    for name, data in corpus.unzip(corpus.ofd(truth, "tag_invoice")).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    result = parse_path(folder)
    assert result.format is FileFormat.OFD
    (parsed,) = result.invoices
    assert parsed.invoice.number == truth.number


def test_parse_path_bad_paths_are_errors(tmp_path: Path) -> None:
    (error,) = parse_path(tmp_path / "missing.xml").errors
    assert isinstance(error, ParseError)
    (error,) = parse_path(tmp_path).errors
    assert isinstance(error, UnsupportedFormat)
    (tmp_path / "notes.txt").write_text("hello there")
    (error,) = parse_path(tmp_path / "notes.txt").errors
    assert "notes.txt" in error.message
