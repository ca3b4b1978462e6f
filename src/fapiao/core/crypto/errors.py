"""Errors of the key management and encryption core (密钥错误), each with a stable code.

Messages never contain key material: at most a key id (密钥编号) or a file path.
"""

from __future__ import annotations

from fapiao.core.errors import FapiaoError


class KeysError(FapiaoError):
    """Base of every key and encryption error."""

    code = "keys.error"
    default_message = "密钥错误"
    default_message_en = "Key error"


class InvalidKeyTextError(KeysError):
    """The master-key text (环境变量或密钥文件) cannot be read as keys."""

    code = "keys.invalid"
    default_message = "主密钥格式不正确：应为 32 字节密钥的 base64，或“编号:base64,编号:base64”"
    default_message_en = (
        "Invalid master key text: expected base64 of 32 bytes, or 'id:base64,id:base64'"
    )


class KeyConflictError(KeysError):
    """The environment and the key file both give master keys, and they differ."""

    code = "keys.conflict"
    default_message = "环境变量与密钥文件中的主密钥不一致"
    default_message_en = "The master keys in the environment and in the key file differ"


class KeyMissingError(KeysError):
    """The database holds wrapped keys but no master key is available to unwrap them."""

    code = "keys.missing"
    default_message = "找不到主密钥，无法解密已有数据"
    default_message_en = "No master key is available to decrypt the existing data"


class KeyFileError(KeysError):
    """The key file cannot be created or is not private."""

    code = "keys.file"
    default_message = "密钥文件无法使用"
    default_message_en = "The key file cannot be used"


class DecryptError(KeysError):
    """Decryption failed: wrong key, or the data was changed, truncated or reordered."""

    code = "keys.decrypt_failed"
    default_message = "解密失败：密钥不正确，或数据已被篡改、截断"
    default_message_en = "Decryption failed: wrong key, or the data was altered or truncated"


class UnknownMasterKeyError(DecryptError):
    """The data key was wrapped by a master key that the keyring does not hold."""

    code = "keys.unknown_master_key"
    default_message = "数据密钥由未知的主密钥加密"
    default_message_en = "The data key was wrapped by a master key that is not in the keyring"
