"""Hostile input: each gives a typed error within a bounded time, never a crash."""

from __future__ import annotations

import random
import time
from types import ModuleType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fapiao.core.errors import (
    CorruptFile,
    EncryptedFile,
    FapiaoError,
    NotAnInvoice,
    TooLarge,
    UnsafeFile,
    UnsupportedFormat,
)
from fapiao.core.parsing.api import parse_bytes
from fapiao.core.parsing.base import FileFormat, Limits, ParseOptions, ParseResult

FAST = 2.0  # seconds: every hostile file is refused well within this


def _timed(data: bytes, options: ParseOptions | None = None) -> ParseResult:
    start = time.process_time()  # CPU time: a bound that a busy machine does not break
    result = parse_bytes(data, options=options or ParseOptions())
    assert time.process_time() - start < FAST
    return result


def test_zip_bomb_member_is_refused_by_ratio(corpus: ModuleType) -> None:
    result = _timed(corpus.zip_bomb(8 * 1024 * 1024))
    (error,) = result.errors
    assert isinstance(error, UnsafeFile)
    assert "bomb.xml" in error.message
    assert result.invoices == ()


def test_member_over_the_size_limit_is_too_large(corpus: ModuleType) -> None:
    options = ParseOptions(limits=Limits(max_member_bytes=64 * 1024))
    result = _timed(corpus.zip_of({"big.xml": b" " * (200 * 1024)}), options)
    (error,) = result.errors
    assert isinstance(error, TooLarge)


def test_total_unzipped_budget_is_shared(corpus: ModuleType) -> None:
    options = ParseOptions(limits=Limits(max_total_unzipped_bytes=100 * 1024))
    members = {f"m{i}.xml": b" " * (40 * 1024) for i in range(4)}
    result = _timed(corpus.zip_of(members), options)
    assert any(isinstance(e, TooLarge) for e in result.errors)


def test_too_many_members(corpus: ModuleType) -> None:
    options = ParseOptions(limits=Limits(max_members=5))
    result = _timed(corpus.zip_of({f"{i}.txt": b"x" for i in range(6)}), options)
    (error,) = result.errors
    assert isinstance(error, TooLarge)


def test_path_traversal_member_is_refused_while_the_rest_parses(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(1), digital=True)
    xml = corpus.einvoice_xml(truth)
    data = corpus.zip_of({"../evil.xml": xml, "/etc/abs.xml": xml, "ok/good.xml": xml})
    result = _timed(data)
    assert [p.member for p in result.invoices] == ["ok/good.xml"]
    assert len(result.errors) == 2
    assert all(isinstance(e, UnsafeFile) for e in result.errors)
    assert any("../evil.xml" in e.message for e in result.errors)


def test_nesting_beyond_the_depth_limit_is_refused(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(2), digital=True)
    xml = corpus.einvoice_xml(truth)
    shallow = corpus.nested_zip(xml, 3)  # three levels: allowed
    deep = corpus.nested_zip(xml, 4)  # four levels: refused
    assert len(_timed(shallow).invoices) == 1
    result = _timed(corpus.zip_of({"deep.zip": deep, "top.xml": xml}))
    assert [p.member for p in result.invoices] == ["top.xml"]
    (error,) = result.errors
    assert isinstance(error, UnsafeFile)


def test_encrypted_member(corpus: ModuleType) -> None:
    result = _timed(corpus.encrypted_zip({"secret.xml": b"<EInvoice/>"}))
    (error,) = result.errors
    assert isinstance(error, EncryptedFile)


def test_billion_laughs_is_refused_quickly(corpus: ModuleType) -> None:
    result = _timed(corpus.billion_laughs())
    assert result.format is FileFormat.XML
    (error,) = result.errors
    assert isinstance(error, UnsafeFile)


def test_billion_laughs_inside_an_ofd_is_refused(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(5), digital=False)
    ofd = corpus.ofd(truth, "attachment")
    members = corpus.unzip(ofd)
    members["Doc_0/Attachs/original_invoice.xml"] = corpus.billion_laughs()
    members["OFD.xml"] = corpus.billion_laughs()
    result = _timed(corpus.zip_of(members))
    assert result.format is FileFormat.OFD
    (error,) = result.errors
    assert isinstance(error, UnsafeFile)


def test_truncated_zip_and_ofd_are_corrupt(corpus: ModuleType) -> None:
    truth = corpus.random_truth(random.Random(6), digital=False)
    ofd = corpus.ofd(truth, "attachment")
    zipped = corpus.zip_of({"a.ofd": ofd})
    for data, fmt in ((ofd, FileFormat.OFD), (zipped, FileFormat.ZIP)):
        result = _timed(data[: len(data) // 2])
        assert result.format is fmt
        (error,) = result.errors
        assert isinstance(error, CorruptFile)


def test_malformed_xml_is_corrupt() -> None:
    result = _timed(b"<EInvoice><Header><EIid>1</Header>")
    (error,) = result.errors
    assert isinstance(error, CorruptFile)


def test_xml_without_invoice_number_is_not_an_invoice() -> None:
    (error,) = _timed(b"<EInvoice><Header/></EInvoice>").errors
    assert isinstance(error, NotAnInvoice)


def test_unknown_and_empty_input() -> None:
    (error,) = _timed(b"\x00\x01\x02 not an invoice").errors
    assert isinstance(error, UnsupportedFormat)
    (error,) = _timed(b"").errors
    assert isinstance(error, NotAnInvoice)


def test_whole_file_over_the_limit() -> None:
    options = ParseOptions(limits=Limits(max_file_bytes=10))
    (error,) = _timed(b"<EInvoice>" + b" " * 100, options).errors
    assert isinstance(error, TooLarge)


_PREFIXES = st.sampled_from(
    [b"", b"PK\x03\x04", b"<?xml version='1.0'?><EInvoice>", b"<eInvoice>", b"\xef\xbb\xbf<"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=_PREFIXES, body=st.binary(max_size=2048))
def test_random_bytes_never_crash(prefix: bytes, body: bytes) -> None:
    result = _timed(prefix + body)
    assert all(isinstance(e, FapiaoError) for e in result.errors)
    assert result.errors or result.invoices


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_mangled_ofd_never_crashes(corpus: ModuleType, data: st.DataObject) -> None:
    truth = corpus.random_truth(random.Random(9), digital=False)
    ofd = bytearray(corpus.ofd(truth, "malformed_root"))
    for _ in range(data.draw(st.integers(1, 8))):
        ofd[data.draw(st.integers(0, len(ofd) - 1))] = data.draw(st.integers(0, 255))
    result = _timed(bytes(ofd))
    assert all(isinstance(e, FapiaoError) for e in result.errors)
