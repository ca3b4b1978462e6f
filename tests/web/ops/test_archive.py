"""The backup archive format: sealed under the master key, checked member by member."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fapiao.core.crypto.keyring import Keyring, MasterKey, generate_keyring
from fapiao.web.ops.archive import (
    MANIFEST,
    Member,
    build_manifest,
    open_archive,
    write_archive,
)
from fapiao.web.ops.errors import BackupCorruptError, BackupUnsupportedError, BackupWrongKeyError


@pytest.fixture
def keyring() -> Keyring:
    return generate_keyring("k1")


@pytest.fixture
def members(tmp_path: Path) -> list[Member]:
    src = tmp_path / "src"
    (src / "files").mkdir(parents=True)
    (src / "db.sqlite3").write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    (src / "files" / "a").write_bytes(os.urandom(70_000))  # more than one 64 KiB chunk
    (src / "files" / "b").write_bytes(b"")
    return [
        Member("db/fapiao.sqlite3", src / "db.sqlite3"),
        Member("files/1/ab/a", src / "files" / "a"),
        Member("files/1/cd/b", src / "files" / "b"),
    ]


def _write(path: Path, members: list[Member], master: MasterKey, **fields: object) -> None:
    manifest = build_manifest(members, vendor="sqlite", counts={"t": 1}, **fields)
    with path.open("wb") as handle:
        write_archive(handle, members, manifest, master)


def _open(path: Path, keyring: Keyring, tmp_path: Path):
    work = tmp_path / f"work{len(list(tmp_path.glob('work*')))}"
    work.mkdir()
    return open_archive(path, keyring, work)


def test_roundtrip_gives_every_member_back_bit_for_bit(tmp_path, keyring, members):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)

    opened = _open(archive, keyring, tmp_path)

    for member in members:
        assert opened.path(member.name).read_bytes() == member.path.read_bytes()
    assert opened.manifest["counts"] == {"t": 1}
    assert opened.names("files/") == ["files/1/ab/a", "files/1/cd/b"]
    assert opened.header["key_id"] == "k1"


def test_the_master_key_is_not_in_the_archive(tmp_path, keyring, members):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)
    data = archive.read_bytes()
    assert keyring.active.key not in data
    assert b"SQLite format 3" not in data  # the contents are sealed, not just packed


def test_a_rotated_keyring_still_opens_an_archive_of_its_older_key(tmp_path, keyring, members):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)
    _open(archive, keyring.with_new_key("k2"), tmp_path)


def test_another_master_key_is_refused_as_a_wrong_key(tmp_path, keyring, members):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)

    with pytest.raises(BackupWrongKeyError) as caught:
        _open(archive, generate_keyring("k1"), tmp_path)
    assert "k1" in caught.value.message_en
    assert "master key" in caught.value.message_en


@pytest.mark.parametrize("where", [0.3, 0.6, -5])
def test_a_flipped_byte_in_the_sealed_body_is_refused(tmp_path, keyring, members, where):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)
    data = bytearray(archive.read_bytes())
    index = int(len(data) * where) if where > 0 else len(data) + int(where)
    data[index] ^= 0x01
    archive.write_bytes(bytes(data))

    with pytest.raises(BackupCorruptError) as caught:
        _open(archive, keyring, tmp_path)
    assert "altered or truncated" in caught.value.message_en


def test_a_flipped_byte_in_the_header_is_refused(tmp_path, keyring, members):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)
    data = archive.read_bytes()
    at = data.index(b'"vendor": "sqlite"')
    archive.write_bytes(data[:at] + data[at:].replace(b"sqlite", b"sqlitE", 1))

    with pytest.raises(BackupCorruptError):
        _open(archive, keyring, tmp_path)


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_archive_is_refused(tmp_path, keyring, members, keep):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * keep)])

    with pytest.raises(BackupCorruptError):
        _open(archive, keyring, tmp_path)


def test_a_wrong_checksum_in_the_manifest_is_refused_naming_the_member(tmp_path, keyring, members):
    manifest = build_manifest(members, vendor="sqlite", counts={})
    manifest["members"]["files/1/ab/a"]["sha256"] = "0" * 64
    archive = tmp_path / "b.fpbak"
    with archive.open("wb") as handle:
        write_archive(handle, members, manifest, keyring.active)

    with pytest.raises(BackupCorruptError) as caught:
        _open(archive, keyring, tmp_path)
    assert "files/1/ab/a" in caught.value.message_en
    assert "Checksum mismatch" in caught.value.message_en


def test_a_member_missing_from_the_manifest_is_refused(tmp_path, keyring, members):
    manifest = build_manifest(members[:2], vendor="sqlite", counts={})
    archive = tmp_path / "b.fpbak"
    with archive.open("wb") as handle:
        write_archive(handle, members, manifest, keyring.active)

    with pytest.raises(BackupCorruptError) as caught:
        _open(archive, keyring, tmp_path)
    assert "files/1/cd/b" in caught.value.message_en


def test_not_a_backup_and_an_unknown_format_are_refused(tmp_path, keyring, members):
    other = tmp_path / "x.pdf"
    other.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(BackupCorruptError, match="Not a fapiao backup"):
        _open(other, keyring, tmp_path)

    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)
    data = archive.read_bytes()
    header_start = data.index(b"{")
    header_end = data.index(b"}", header_start) + 1
    header = json.loads(data[header_start:header_end])
    header["format"] = 9
    raw = json.dumps(header, sort_keys=True).encode()
    patched = data[: header_start - 4] + len(raw).to_bytes(4, "big") + raw + data[header_end:]
    archive.write_bytes(patched)
    with pytest.raises(BackupUnsupportedError):
        _open(archive, keyring, tmp_path)


def test_the_manifest_lists_size_and_sha256_of_every_member(tmp_path, keyring, members):
    archive = tmp_path / "b.fpbak"
    _write(archive, members, keyring.active)
    opened = _open(archive, keyring, tmp_path)
    listed = json.loads((opened.root / MANIFEST).read_text())["members"]
    assert set(listed) == {m.name for m in members}
    assert listed["files/1/cd/b"]["size"] == 0
    assert listed["files/1/ab/a"]["size"] == 70_000
