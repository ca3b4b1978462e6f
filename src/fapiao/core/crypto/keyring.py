"""主密钥 (master keys): a keyring parsed from ``FAPIAO_MASTER_KEY``-style text or a key file.

Text format (environment value and key file alike): either the base64 of 32 random bytes (its
key id is ``default``), or ``id:base64,id:base64,...`` where the LAST key is the active one
(new data keys are wrapped with it) and the others still unwrap older wraps, which is how a
rotation proceeds.  Key ids are 1-32 characters of ``A-Z a-z 0-9 _ -``.

The core reads no environment: the interface passes the environment value and the key-file path
to :func:`resolve_keyring`.  Key bytes never appear in ``repr``, ``str`` or error messages.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from fapiao.core.crypto.errors import (
    InvalidKeyTextError,
    KeyConflictError,
    KeyFileError,
    KeyMissingError,
)

KEY_SIZE = 32
DEFAULT_KEY_ID = "default"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class MasterKey:
    """One master key (主密钥) with its id; the bytes are hidden from ``repr``."""

    __slots__ = ("_key", "key_id")

    def __init__(self, key_id: str, key: bytes) -> None:
        if not _KEY_ID.fullmatch(key_id):
            raise InvalidKeyTextError(
                f"主密钥编号不正确：{key_id[:40]!r}（只能包含字母、数字、_ 和 -，最多 32 个字符）",
                f"Invalid master key id: {key_id[:40]!r} (letters, digits, _ and -, at most 32)",
            )
        if len(key) != KEY_SIZE:
            raise InvalidKeyTextError(
                f"主密钥 {key_id} 长度为 {len(key)} 字节，应为 {KEY_SIZE} 字节",
                f"Master key {key_id} has {len(key)} bytes, expected {KEY_SIZE}",
            )
        self.key_id = key_id
        self._key = bytes(key)

    @property
    def key(self) -> bytes:
        """The 32 key bytes (use them, never log them)."""
        return self._key

    @classmethod
    def generate(cls, key_id: str) -> MasterKey:
        """A new random master key."""
        return cls(key_id, secrets.token_bytes(KEY_SIZE))

    def __repr__(self) -> str:
        return f"MasterKey(key_id={self.key_id!r}, key=<hidden>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MasterKey):
            return NotImplemented
        return self.key_id == other.key_id and hmac.compare_digest(self._key, other._key)

    def __hash__(self) -> int:
        return hash(self.key_id)


class Keyring:
    """密钥环 (keyring): master keys by id; the last one is active for wrapping."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Iterable[MasterKey]) -> None:
        ordered = list(keys)
        if not ordered:
            raise InvalidKeyTextError("主密钥为空", "No master key given")
        by_id: dict[str, MasterKey] = {}
        for key in ordered:
            if key.key_id in by_id:
                raise InvalidKeyTextError(
                    f"主密钥编号重复：{key.key_id}", f"Duplicate master key id: {key.key_id}"
                )
            by_id[key.key_id] = key
        self._keys = by_id

    @property
    def active(self) -> MasterKey:
        """The key new wraps use (the last one listed)."""
        return next(reversed(self._keys.values()))

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Key ids in order, the active one last."""
        return tuple(self._keys)

    def get(self, key_id: str) -> MasterKey | None:
        """The key with this id, or ``None``."""
        return self._keys.get(key_id)

    def __iter__(self) -> Iterator[MasterKey]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Keyring):
            return NotImplemented
        return list(self._keys.values()) == list(other._keys.values())

    def __hash__(self) -> int:
        return hash(self.key_ids)

    def __repr__(self) -> str:
        return f"Keyring(key_ids={self.key_ids!r}, active={self.active.key_id!r})"

    def with_new_key(self, key_id: str) -> Keyring:
        """Rotation step 1: this keyring plus a new random key that becomes the active one."""
        return Keyring([*self, MasterKey.generate(key_id)])

    def without(self, key_id: str) -> Keyring:
        """Rotation last step: drop a retired key once nothing is wrapped with it any more."""
        if key_id == self.active.key_id:
            raise InvalidKeyTextError(
                f"不能移除当前使用的主密钥 {key_id}",
                f"Cannot remove the active master key {key_id}",
            )
        return Keyring(k for k in self if k.key_id != key_id)

    def to_text(self) -> str:
        """The ``id:base64,...`` text (secret: write it only to the key file or a vault)."""
        return ",".join(f"{k.key_id}:{base64.b64encode(k.key).decode('ascii')}" for k in self)


def _decode_key(text: str, key_id: str) -> bytes:
    """Standard or URL-safe base64, padding optional; anything else is refused."""
    cleaned = re.sub(r"\s+", "", text).translate(str.maketrans("-_", "+/"))
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKeyTextError(
            f"主密钥 {key_id} 不是有效的 base64", f"Master key {key_id} is not valid base64"
        ) from None


def parse_keyring(text: str) -> Keyring:
    """Read ``FAPIAO_MASTER_KEY``-style text (one base64 key, or ``id:key,id:key``)."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidKeyTextError("主密钥为空", "The master key text is empty")
    if ":" not in cleaned:
        return Keyring([MasterKey(DEFAULT_KEY_ID, _decode_key(cleaned, DEFAULT_KEY_ID))])
    keys = []
    for part in re.split(r"[,\n]", cleaned):
        item = part.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep:
            raise InvalidKeyTextError(
                "主密钥格式不正确：每一项都应为“编号:base64”",
                "Invalid master key text: every item must be 'id:base64'",
            )
        key_id = key_id.strip()
        keys.append(MasterKey(key_id, _decode_key(encoded, key_id)))
    return Keyring(keys)


def generate_keyring(key_id: str = "k1") -> Keyring:
    """A keyring with one new random key."""
    return Keyring([MasterKey.generate(key_id)])


def load_key_file(path: Path, *, require_private: bool = True) -> Keyring:
    """Read a key file; refuse one that others can read or write (like ssh) unless told not to."""
    try:
        info = path.stat()
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyFileError(
            f"密钥文件不存在：{path}", f"The key file does not exist: {path}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(
            f"无法读取密钥文件 {path}：{type(exc).__name__}",
            f"Cannot read the key file {path}: {type(exc).__name__}",
        ) from None
    if require_private and os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"密钥文件 {path} 的权限为 {stat.S_IMODE(info.st_mode):o}，其他用户可以访问；"
            f"请执行 chmod 600 {path}",
            f"The key file {path} has mode {stat.S_IMODE(info.st_mode):o} and is accessible to "
            f"other users; run chmod 600 {path}",
        )
    return parse_keyring(text)


def write_key_file(path: Path, keyring: Keyring, *, replace: bool = False) -> None:
    """Write the keyring to ``path`` with mode 0600, atomically.

    The text goes to a fresh temporary file (``O_EXCL``, 0600) in the same folder, is flushed to
    disk, then linked into place (never overwriting unless ``replace``), so a reader sees either
    no file or the whole file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError as exc:
        raise KeyFileError(
            f"无法创建密钥文件 {path}：{exc.strerror}",
            f"Cannot create the key file {path}: {exc.strerror}",
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)
            handle.write(keyring.to_text() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            tmp.replace(path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise KeyFileError(
                    f"密钥文件已存在，不会覆盖：{path}",
                    f"The key file already exists and will not be overwritten: {path}",
                ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_key_file(path: Path, *, key_id: str = "k1") -> Keyring:
    """Create a new key file (0600) with one random key; refuse if one is already there."""
    keyring = generate_keyring(key_id)
    write_key_file(path, keyring)
    return keyring


def resolve_keyring(
    env_value: str | None, file_path: Path | None, *, database_has_wrapped_keys: bool
) -> Keyring:
    """The master keyring for this installation, from the environment value and/or the key file.

    Both given and different: refuse (``keys.conflict``).  Neither given: refuse when the
    database already holds wrapped keys (``keys.missing``), otherwise create the key file.
    """
    from_env = parse_keyring(env_value) if env_value and env_value.strip() else None
    has_file = file_path is not None and file_path.exists()
    from_file = load_key_file(file_path) if file_path is not None and has_file else None
    if from_env is not None and from_file is not None:
        if from_env != from_file:
            raise KeyConflictError(
                f"环境变量 FAPIAO_MASTER_KEY（编号 {', '.join(from_env.key_ids)}）与密钥文件 "
                f"{file_path}（编号 {', '.join(from_file.key_ids)}）中的主密钥不一致。"
                "请只保留一处：取消环境变量或移走密钥文件；若要轮换密钥，请在两处写入相同的内容。",
                f"FAPIAO_MASTER_KEY (ids {', '.join(from_env.key_ids)}) and the key file "
                f"{file_path} (ids {', '.join(from_file.key_ids)}) hold different master keys. "
                "Keep only one: unset the variable or move the key file away; when rotating, "
                "write the same text in both.",
            )
        return from_env
    if from_env is not None:
        return from_env
    if from_file is not None:
        return from_file
    if database_has_wrapped_keys:
        where = f"密钥文件 {file_path} 不存在" if file_path is not None else "未指定密钥文件"
        where_en = (
            f"the key file {file_path} does not exist"
            if file_path is not None
            else "no key file is configured"
        )
        raise KeyMissingError(
            f"数据库中已有加密数据，但找不到主密钥（未设置 FAPIAO_MASTER_KEY，{where}）。"
            "请从备份恢复密钥文件或设置 FAPIAO_MASTER_KEY；"
            "不会生成新密钥，否则已有数据将无法解密。",
            f"The database holds encrypted data but no master key is available "
            f"(FAPIAO_MASTER_KEY is unset and {where_en}). Restore the key file from your backup "
            "or set FAPIAO_MASTER_KEY; no new key is generated, as it could not decrypt the "
            "existing data.",
        )
    if file_path is None:
        raise KeyMissingError(
            "未设置 FAPIAO_MASTER_KEY，也未指定密钥文件位置，无法创建主密钥。",
            "FAPIAO_MASTER_KEY is unset and no key file location is configured; "
            "cannot create a master key.",
        )
    try:
        return create_key_file(file_path)
    except KeyFileError:
        if file_path.exists():  # another process created it first: use that one
            return load_key_file(file_path)
        raise
