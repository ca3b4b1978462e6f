"""Originals at rest: sealed on disk, opened bit for bit, refused with the wrong or no key."""

from __future__ import annotations

import base64
import os
import secrets
import stat

import pytest
from django.apps import apps
from django.db import connection

from fapiao.core.crypto.errors import DecryptError, KeyConflictError, KeyMissingError
from fapiao.web.invoices.originals import original_bytes, original_open
from fapiao.web.invoices.selectors import stored_file_path
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.storage import read_original
from fapiao.web.keys.keyring import keyring_check, keyring_reset
from fapiao.web.keys.models import CompanyKey
from fapiao.web.keys.services import data_key_active

pytestmark = pytest.mark.django_db

MARKER = b"SECRET-MARKER-\xe5\x8f\x91\xe7\xa5\xa8-4471"


def _content(size: int = 200_000) -> bytes:
    return b"%PDF-1.7\n" + MARKER + secrets.token_bytes(size) + MARKER


def _store(company, user, content):
    stored, _ = stored_file_create(
        company=company, content=content, original_name="发票.pdf", actor=user
    )
    return stored


def _raw_database_text() -> bytes:
    """Every value of every table, as bytes, the way a stolen database would show them."""
    out = bytearray()
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in connection.introspection.table_names(cursor):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        out += bytes(value)
                    else:
                        out += str(value).encode()
    return bytes(out)


def test_raw_storage_and_database_hold_no_plaintext(company, user, key_file):
    content = _content()
    stored = _store(company, user, content)
    raw = stored_file_path(stored).read_bytes()
    assert MARKER not in raw
    assert content[9:4000] not in raw
    assert raw.startswith(b"FPK1")
    assert MARKER not in _raw_database_text()
    assert read_original(stored) == content
    assert original_bytes(stored) == content
    with original_open(stored) as handle:
        assert handle.read() == content


def test_empty_and_chunk_sized_files_round_trip(company, user):
    for content in (b"", b"x" * 65536, b"y" * 65537):
        stored = _store(company, user, content)
        assert read_original(stored) == content


def test_the_key_file_is_created_private_and_not_in_the_database(company, user, key_file):
    _store(company, user, _content(10))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_text = key_file.read_text().strip().split(":", 1)[1]
    assert base64.b64decode(key_text) not in _raw_database_text()
    assert key_text.encode() not in _raw_database_text()


def test_each_company_has_its_own_data_key(company, other_company, user):
    content = _content(100)
    mine, theirs = _store(company, user, content), _store(other_company, user, content)
    assert stored_file_path(mine).read_bytes() != stored_file_path(theirs).read_bytes()
    assert (
        data_key_active(company_id=company.pk)[0] != data_key_active(company_id=other_company.pk)[0]
    )
    # A sealed file copied into another company's place does not open there.
    stored_file_path(theirs).write_bytes(stored_file_path(mine).read_bytes())
    with pytest.raises(DecryptError):
        read_original(theirs)


def test_a_changed_byte_is_refused(company, user):
    stored = _store(company, user, _content(1000))
    path = stored_file_path(stored)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(DecryptError) as caught:
        read_original(stored)
    assert "篡改" in caught.value.message


def test_a_plaintext_file_put_in_place_is_refused(company, user):
    stored = _store(company, user, _content(10))
    stored_file_path(stored).write_bytes(b"%PDF-1.7 swapped")
    with pytest.raises(DecryptError, match="not encrypted"):
        read_original(stored)


def test_the_wrong_master_key_is_refused_clearly(company, user, key_file, monkeypatch):
    stored = _store(company, user, _content(10))
    key_file.unlink()
    monkeypatch.setenv("FAPIAO_MASTER_KEY", "k1:" + base64.b64encode(os.urandom(32)).decode())
    keyring_reset()
    with pytest.raises(DecryptError) as caught:
        keyring_check()
    assert "master key k1 is wrong" in caught.value.message_en
    with pytest.raises(DecryptError):
        read_original(stored)
    monkeypatch.setenv("FAPIAO_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    keyring_reset()
    with pytest.raises(DecryptError) as caught:
        keyring_check()
    assert "wrapped by master key k1" in caught.value.message_en


def test_no_key_with_wrapped_keys_in_the_database_refuses_to_start(company, user, key_file):
    _store(company, user, _content(10))
    key_file.rename(key_file.with_name("elsewhere.key"))
    with pytest.raises(KeyMissingError) as caught:
        keyring_check()
    assert "restore the key file" in caught.value.message_en.lower()
    assert "恢复密钥文件" in caught.value.message
    assert not key_file.exists()  # no new key is made over existing data


def test_environment_and_key_file_that_disagree_refuse_to_start(company, user, monkeypatch):
    _store(company, user, _content(10))
    monkeypatch.setenv("FAPIAO_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    keyring_reset()
    with pytest.raises(KeyConflictError) as caught:
        keyring_check()
    assert "Keep only one" in caught.value.message_en


def test_the_same_key_in_the_environment_and_the_file_is_accepted(
    company, user, key_file, monkeypatch
):
    content = _content(10)
    stored = _store(company, user, content)
    monkeypatch.setenv("FAPIAO_MASTER_KEY", key_file.read_text())
    keyring_reset()
    keyring_check()
    assert read_original(stored) == content
    key_file.unlink()
    keyring_reset()
    assert read_original(stored) == content


def test_the_wrapped_data_key_is_bound_to_its_company(company, other_company, user):
    _store(company, user, _content(10))
    stored = _store(other_company, user, _content(10))
    mine = CompanyKey.objects.get(company=company)
    theirs = CompanyKey.objects.get(company=other_company)
    CompanyKey.objects.filter(pk=theirs.pk).update(wrapped=bytes(mine.wrapped))
    with pytest.raises(DecryptError):
        read_original(stored)
