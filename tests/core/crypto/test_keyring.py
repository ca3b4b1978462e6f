"""Master keyring: parsing, key files (0600, atomic, no overwrite), resolution, no key leaks."""

from __future__ import annotations

import base64
import os
import stat
import sys
from pathlib import Path

import pytest

from fapiao.core.crypto.errors import (
    InvalidKeyTextError,
    KeyConflictError,
    KeyFileError,
    KeyMissingError,
)
from fapiao.core.crypto.keyring import (
    DEFAULT_KEY_ID,
    Keyring,
    MasterKey,
    create_key_file,
    generate_keyring,
    load_key_file,
    parse_keyring,
    resolve_keyring,
    write_key_file,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_single_base64_key_gets_the_default_id() -> None:
    keyring = parse_keyring(_b64(b"\x01" * 32) + "\n")
    assert keyring.key_ids == (DEFAULT_KEY_ID,)
    assert keyring.active.key == b"\x01" * 32


def test_id_list_makes_the_last_key_active() -> None:
    text = f"old:{_b64(b'a' * 32)}, new:{_b64(b'b' * 32)}"
    keyring = parse_keyring(text)
    assert keyring.key_ids == ("old", "new")
    assert keyring.active.key_id == "new"
    assert keyring.get("old") is not None
    assert keyring.get("old").key == b"a" * 32  # type: ignore[union-attr]


def test_urlsafe_and_unpadded_base64_are_accepted() -> None:
    raw = bytes(range(200, 232))
    text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert parse_keyring(f"k1:{text}").active.key == raw


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        _b64(b"x" * 16),  # too short
        "k1:" + _b64(b"x" * 31),
        "k1:not base64!!",
        "bad id:" + _b64(b"x" * 32),
        f"k1:{_b64(b'a' * 32)},k1:{_b64(b'b' * 32)}",  # duplicate id
        f"k1:{_b64(b'a' * 32)},{_b64(b'b' * 32)}",  # item without id
    ],
)
def test_bad_key_text_is_refused_with_a_typed_error(text: str) -> None:
    with pytest.raises(InvalidKeyTextError) as info:
        parse_keyring(text)
    assert info.value.code == "keys.invalid"
    assert info.value.message
    assert info.value.message_en


def test_error_messages_never_contain_the_key() -> None:
    secret = _b64(b"s" * 31)
    with pytest.raises(InvalidKeyTextError) as info:
        parse_keyring(f"k1:{secret}")
    assert secret not in str(info.value)
    assert secret not in info.value.message_en


def test_repr_and_str_hide_key_bytes() -> None:
    keyring = generate_keyring("k1")
    raw = keyring.active.key
    for shown in (repr(keyring), str(keyring), repr(keyring.active), str(list(keyring))):
        assert raw.hex() not in shown
        assert _b64(raw) not in shown
        assert repr(raw) not in shown
    assert "<hidden>" in repr(keyring.active)


def test_to_text_round_trips() -> None:
    keyring = generate_keyring("k1").with_new_key("k2")
    assert parse_keyring(keyring.to_text()) == keyring
    assert parse_keyring(keyring.to_text()).active.key_id == "k2"


def test_keyrings_with_same_ids_but_other_bytes_differ() -> None:
    assert generate_keyring("k1") != generate_keyring("k1")


def test_without_drops_a_retired_key_but_never_the_active_one() -> None:
    keyring = generate_keyring("k1").with_new_key("k2")
    assert keyring.without("k1").key_ids == ("k2",)
    with pytest.raises(InvalidKeyTextError):
        keyring.without("k2")


def test_master_key_rejects_wrong_length() -> None:
    with pytest.raises(InvalidKeyTextError):
        MasterKey("k1", b"short")


@posix_only
def test_create_key_file_is_0600_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    created = create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key_file(path) == created
    assert [p.name for p in path.parent.iterdir()] == ["master.key"]  # no temp file left


@posix_only
def test_create_key_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        create_key_file(tmp_path / "master.key")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "master.key").stat().st_mode) == 0o600


def test_create_key_file_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    first = create_key_file(path)
    with pytest.raises(KeyFileError):
        create_key_file(path)
    assert load_key_file(path) == first


def test_write_key_file_replace_rotates_in_place(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    rotated = create_key_file(path).with_new_key("k2")
    write_key_file(path, rotated, replace=True)
    assert load_key_file(path) == rotated


@posix_only
def test_load_key_file_refuses_a_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    create_key_file(path)
    path.chmod(0o644)
    with pytest.raises(KeyFileError) as info:
        load_key_file(path)
    assert "chmod 600" in info.value.message
    assert load_key_file(path, require_private=False).key_ids == ("k1",)


def test_load_missing_key_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        load_key_file(tmp_path / "nope.key")


def test_resolve_uses_the_environment_value(tmp_path: Path) -> None:
    text = generate_keyring().to_text()
    keyring = resolve_keyring(text, tmp_path / "master.key", database_has_wrapped_keys=True)
    assert keyring == parse_keyring(text)
    assert not (tmp_path / "master.key").exists()


def test_resolve_uses_the_key_file(tmp_path: Path) -> None:
    created = create_key_file(tmp_path / "master.key")
    assert resolve_keyring(None, tmp_path / "master.key", database_has_wrapped_keys=True) == (
        created
    )


def test_resolve_accepts_env_and_file_when_they_agree(tmp_path: Path) -> None:
    created = create_key_file(tmp_path / "master.key")
    got = resolve_keyring(
        created.to_text(), tmp_path / "master.key", database_has_wrapped_keys=True
    )
    assert got == created


def test_resolve_refuses_env_and_file_that_disagree(tmp_path: Path) -> None:
    create_key_file(tmp_path / "master.key")
    other = generate_keyring("k1")
    with pytest.raises(KeyConflictError) as info:
        resolve_keyring(other.to_text(), tmp_path / "master.key", database_has_wrapped_keys=True)
    assert info.value.code == "keys.conflict"
    assert "FAPIAO_MASTER_KEY" in info.value.message
    assert str(tmp_path / "master.key") in info.value.message_en
    assert other.to_text().split(":")[1] not in str(info.value)


def test_resolve_refuses_when_data_exists_but_no_key(tmp_path: Path) -> None:
    with pytest.raises(KeyMissingError) as info:
        resolve_keyring("", tmp_path / "master.key", database_has_wrapped_keys=True)
    assert info.value.code == "keys.missing"
    assert "备份" in info.value.message
    assert not (tmp_path / "master.key").exists()  # never silently creates a useless key


def test_resolve_creates_a_key_file_for_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    keyring = resolve_keyring(None, path, database_has_wrapped_keys=False)
    assert load_key_file(path) == keyring
    assert resolve_keyring(None, path, database_has_wrapped_keys=True) == keyring


def test_resolve_without_any_place_for_a_key_refuses() -> None:
    with pytest.raises(KeyMissingError):
        resolve_keyring(None, None, database_has_wrapped_keys=False)


def test_resolve_rejects_a_malformed_environment_value(tmp_path: Path) -> None:
    with pytest.raises(InvalidKeyTextError):
        resolve_keyring("garbage", tmp_path / "k", database_has_wrapped_keys=False)
    assert not (tmp_path / "k").exists()


def test_keyring_needs_at_least_one_key() -> None:
    with pytest.raises(InvalidKeyTextError):
        Keyring([])
