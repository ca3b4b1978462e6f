"""Envelope encryption: wrapped data keys, sealed files in one piece and streamed."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fapiao.core.crypto.envelope import (
    MAGIC,
    TAG_SIZE,
    DataKey,
    decrypt_bytes,
    decrypt_stream,
    encrypt_bytes,
    encrypt_stream,
    needs_rewrap,
    rewrap,
    unwrap_data_key,
    wrap_data_key,
    wrapped_key_id,
)
from fapiao.core.crypto.errors import DecryptError, UnknownMasterKeyError
from fapiao.core.crypto.keyring import Keyring, generate_keyring

AAD = b"company:7/file:42"
MARKER = b"91310000MA1FL8XQ2K-MARKER-\xe5\x8f\x91\xe7\xa5\xa8"


def _seal_stream(data: bytes, key: DataKey, chunk_size: int = 64 * 1024) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key, aad=AAD, chunk_size=chunk_size)
    return out.getvalue()


def _open_stream(sealed: bytes, key: DataKey, aad: bytes = AAD) -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(sealed), out, key, aad=aad)
    return out.getvalue()


def test_wrap_unwrap_round_trip() -> None:
    keyring = generate_keyring("k1")
    key = DataKey.generate()
    wrapped = wrap_data_key(key, keyring, company_id=7)
    assert wrapped_key_id(wrapped) == "k1"
    assert unwrap_data_key(wrapped, keyring, company_id="7") == key
    assert key.key not in wrapped


def test_wrapped_key_moved_to_another_company_fails() -> None:
    keyring = generate_keyring()
    wrapped = wrap_data_key(DataKey.generate(), keyring, company_id=7)
    with pytest.raises(DecryptError) as info:
        unwrap_data_key(wrapped, keyring, company_id=8)
    assert info.value.code == "keys.decrypt_failed"
    assert "8" in info.value.message


def test_unwrap_with_the_wrong_master_key_fails() -> None:
    wrapped = wrap_data_key(DataKey.generate(), generate_keyring("k1"), company_id=1)
    with pytest.raises(DecryptError):
        unwrap_data_key(wrapped, generate_keyring("k1"), company_id=1)


def test_unwrap_with_an_unknown_master_key_names_it() -> None:
    wrapped = wrap_data_key(DataKey.generate(), generate_keyring("k9"), company_id=1)
    with pytest.raises(UnknownMasterKeyError) as info:
        unwrap_data_key(wrapped, generate_keyring("k1"), company_id=1)
    assert "k9" in info.value.message
    assert isinstance(info.value, DecryptError)


@pytest.mark.parametrize("cut", [0, 1, 5, 20])
def test_truncated_or_garbled_wrapped_key_is_a_typed_error(cut: int) -> None:
    keyring = generate_keyring()
    wrapped = wrap_data_key(DataKey.generate(), keyring, company_id=1)
    with pytest.raises(DecryptError):
        unwrap_data_key(wrapped[: len(wrapped) - cut - 1], keyring, company_id=1)
    flipped = bytearray(wrapped)
    flipped[-1 - cut] ^= 0x01
    with pytest.raises(DecryptError):
        unwrap_data_key(bytes(flipped), keyring, company_id=1)


def test_rotation_rewraps_every_key_and_every_file_still_opens() -> None:
    old = generate_keyring("k1")
    companies = {cid: DataKey.generate() for cid in range(1, 6)}
    wrapped = {cid: wrap_data_key(k, old, company_id=cid) for cid, k in companies.items()}
    files = {
        cid: encrypt_bytes(os.urandom(300) + MARKER, k, aad=AAD) for cid, k in companies.items()
    }
    plain = {cid: decrypt_bytes(files[cid], companies[cid], aad=AAD) for cid in companies}

    rotated = old.with_new_key("k2")
    assert all(needs_rewrap(w, rotated) for w in wrapped.values())
    rewrapped = {cid: rewrap(w, rotated, company_id=cid) for cid, w in wrapped.items()}
    assert not any(needs_rewrap(w, rotated) for w in rewrapped.values())
    assert {wrapped_key_id(w) for w in rewrapped.values()} == {"k2"}

    retired = rotated.without("k1")
    for cid, w in rewrapped.items():
        key = unwrap_data_key(w, retired, company_id=cid)
        assert decrypt_bytes(files[cid], key, aad=AAD) == plain[cid]
        with pytest.raises(UnknownMasterKeyError):
            unwrap_data_key(w, old, company_id=cid)  # old-key-only keyring cannot open new wraps


def test_rewrap_of_a_current_wrap_is_unchanged_but_still_checked() -> None:
    keyring = generate_keyring()
    wrapped = wrap_data_key(DataKey.generate(), keyring, company_id=3)
    assert rewrap(wrapped, keyring, company_id=3) == wrapped
    with pytest.raises(DecryptError):
        rewrap(wrapped, keyring, company_id=4)


def test_rotation_keeps_wraps_of_the_replaced_key_readable_until_rewrapped() -> None:
    old = generate_keyring("k1")
    wrapped = wrap_data_key(DataKey.generate(), old, company_id=1)
    rotated = Keyring([*old, *generate_keyring("k2")])
    unwrap_data_key(wrapped, rotated, company_id=1)


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 4096, 1_000_003])
def test_encrypt_bytes_round_trip_bit_for_bit(size: int) -> None:
    key = DataKey.generate()
    data = os.urandom(size)
    sealed = encrypt_bytes(data, key, aad=AAD)
    assert sealed.startswith(MAGIC)
    assert decrypt_bytes(sealed, key, aad=AAD) == data


def test_same_plaintext_seals_differently_each_time() -> None:
    key = DataKey.generate()
    assert encrypt_bytes(b"same", key, aad=AAD) != encrypt_bytes(b"same", key, aad=AAD)


def test_ciphertext_holds_no_plaintext_marker() -> None:
    key = DataKey.generate()
    data = MARKER * 1000
    assert MARKER not in encrypt_bytes(data, key, aad=AAD)
    assert MARKER not in _seal_stream(data, key, chunk_size=4096)
    assert MARKER[:12] not in _seal_stream(data, key)


def test_decrypt_with_the_wrong_key_is_a_clear_typed_error() -> None:
    sealed = encrypt_bytes(b"payload", DataKey.generate(), aad=AAD)
    with pytest.raises(DecryptError) as info:
        decrypt_bytes(sealed, DataKey.generate(), aad=AAD)
    assert info.value.code == "keys.decrypt_failed"
    assert "密钥" in info.value.message
    assert "key" in info.value.message_en


def test_decrypt_with_other_aad_fails() -> None:
    key = DataKey.generate()
    sealed = encrypt_bytes(b"payload", key, aad=AAD)
    with pytest.raises(DecryptError):
        decrypt_bytes(sealed, key, aad=b"company:8/file:42")


def test_every_single_bit_flip_is_detected() -> None:
    key = DataKey.generate()
    sealed = encrypt_bytes(b"0123456789", key, aad=AAD)
    for i in range(len(sealed)):
        damaged = bytearray(sealed)
        damaged[i] ^= 0x80
        with pytest.raises(DecryptError):
            decrypt_bytes(bytes(damaged), key, aad=AAD)


@pytest.mark.parametrize("blob", [b"", b"FPE", b"%PDF-1.7 plain file", b"FPE\x09" + bytes(40)])
def test_not_a_sealed_file_is_a_typed_error(blob: bytes) -> None:
    key = DataKey.generate()
    with pytest.raises(DecryptError):
        decrypt_bytes(blob, key, aad=AAD)
    with pytest.raises(DecryptError):
        _open_stream(blob, key)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 3 * 4096])
def test_stream_round_trip_at_chunk_boundaries(size: int) -> None:
    key = DataKey.generate()
    data = os.urandom(size)
    sealed = _seal_stream(data, key, chunk_size=4096)
    assert _open_stream(sealed, key) == data
    assert decrypt_bytes(sealed, key, aad=AAD) == data


def test_large_stream_of_several_megabytes_round_trips() -> None:
    key = DataKey.generate()
    data = os.urandom(6 * 1024 * 1024 + 123)
    sealed = _seal_stream(data, key)
    assert len(sealed) == 16 + len(data) + TAG_SIZE * (len(data) // (64 * 1024) + 1)
    assert _open_stream(sealed, key) == data


def test_stream_returns_byte_counts() -> None:
    key = DataKey.generate()
    src, dst, back = io.BytesIO(b"x" * 10_000), io.BytesIO(), io.BytesIO()
    written = encrypt_stream(src, dst, key, aad=AAD, chunk_size=1000)
    assert written == len(dst.getvalue())
    assert decrypt_stream(io.BytesIO(dst.getvalue()), back, key, aad=AAD) == 10_000


def test_stream_with_the_wrong_key_fails() -> None:
    sealed = _seal_stream(b"data" * 100, DataKey.generate())
    with pytest.raises(DecryptError):
        _open_stream(sealed, DataKey.generate())


def _records(sealed: bytes, chunk_size: int) -> tuple[bytes, list[bytes]]:
    header, body = sealed[:16], sealed[16:]
    size = chunk_size + TAG_SIZE
    return header, [body[i : i + size] for i in range(0, len(body), size)]


def test_stream_truncated_at_a_chunk_boundary_is_detected() -> None:
    key = DataKey.generate()
    sealed = _seal_stream(os.urandom(4 * 1000), key, chunk_size=1000)
    header, records = _records(sealed, 1000)
    assert len(records) == 4
    for keep in range(4):
        with pytest.raises(DecryptError):
            _open_stream(header + b"".join(records[:keep]), key)


def test_stream_truncated_mid_chunk_or_by_one_byte_is_detected() -> None:
    key = DataKey.generate()
    sealed = _seal_stream(os.urandom(2500), key, chunk_size=1000)
    for cut in (1, 10, TAG_SIZE, 500, 1016):
        with pytest.raises(DecryptError):
            _open_stream(sealed[:-cut], key)


def test_stream_with_reordered_chunks_is_detected() -> None:
    key = DataKey.generate()
    sealed = _seal_stream(os.urandom(3 * 1000), key, chunk_size=1000)
    header, r = _records(sealed, 1000)
    with pytest.raises(DecryptError):
        _open_stream(header + r[1] + r[0] + r[2], key)
    with pytest.raises(DecryptError):
        _open_stream(header + r[0] + r[2] + r[1], key)


def test_stream_with_a_dropped_or_duplicated_chunk_is_detected() -> None:
    key = DataKey.generate()
    sealed = _seal_stream(os.urandom(3 * 1000 + 7), key, chunk_size=1000)
    header, r = _records(sealed, 1000)
    with pytest.raises(DecryptError):
        _open_stream(header + r[0] + r[2] + r[3], key)
    with pytest.raises(DecryptError):
        _open_stream(header + r[0] + r[0] + r[1] + r[2] + r[3], key)


def test_stream_with_bytes_appended_after_the_end_is_detected() -> None:
    key = DataKey.generate()
    sealed = _seal_stream(os.urandom(1500), key, chunk_size=1000)
    with pytest.raises(DecryptError):
        _open_stream(sealed + b"\x00", key)


def test_stream_header_tampering_is_detected() -> None:
    key = DataKey.generate()
    sealed = _seal_stream(os.urandom(3000), key, chunk_size=1000)
    for i in range(4, 16):
        damaged = bytearray(sealed)
        damaged[i] ^= 0x01
        with pytest.raises(DecryptError):
            _open_stream(bytes(damaged), key)


def test_chunks_from_another_stream_with_the_same_key_do_not_splice() -> None:
    key = DataKey.generate()
    a = _seal_stream(os.urandom(2000), key, chunk_size=1000)
    b = _seal_stream(os.urandom(2000), key, chunk_size=1000)
    header_a, ra = _records(a, 1000)
    _, rb = _records(b, 1000)
    with pytest.raises(DecryptError):
        _open_stream(header_a + ra[0] + rb[1], key)


class _Trickle(io.RawIOBase):
    """A source that returns at most 7 bytes per read, as a pipe may."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(7, size) if size >= 0 else 7)


def test_short_reads_from_the_source_are_handled() -> None:
    key = DataKey.generate()
    data = os.urandom(5000)
    out = io.BytesIO()
    encrypt_stream(_Trickle(data), out, key, aad=AAD, chunk_size=512)  # type: ignore[arg-type]
    back = io.BytesIO()
    decrypt_stream(_Trickle(out.getvalue()), back, key, aad=AAD)  # type: ignore[arg-type]
    assert back.getvalue() == data


def test_data_key_repr_hides_bytes() -> None:
    key = DataKey.generate()
    assert key.key.hex() not in repr(key)
    assert repr(key.key) not in repr(key)


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=3000),
    aad=st.binary(max_size=40),
    chunk_size=st.integers(min_value=1, max_value=1100),
)
def test_envelope_round_trips(data: bytes, aad: bytes, chunk_size: int) -> None:
    keyring = generate_keyring()
    wrapped = wrap_data_key(DataKey.generate(), keyring, company_id="c")
    key = unwrap_data_key(wrapped, keyring, company_id="c")
    assert decrypt_bytes(encrypt_bytes(data, key, aad=aad), key, aad=aad) == data
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(data), sealed, key, aad=aad, chunk_size=chunk_size)
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(sealed.getvalue()), out, key, aad=aad)
    assert out.getvalue() == data


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=1, max_size=2000), position=st.integers(min_value=0))
def test_any_single_byte_change_in_a_stream_is_detected(data: bytes, position: int) -> None:
    key = DataKey.generate()
    sealed = bytearray(_seal_stream(data, key, chunk_size=256))
    sealed[position % len(sealed)] ^= 0x5A
    with pytest.raises(DecryptError):
        _open_stream(bytes(sealed), key)
