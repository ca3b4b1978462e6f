"""Errors of backup and restore (备份与恢复), each with a stable code and a reason to show."""

from __future__ import annotations

from fapiao.core.errors import FapiaoError


class BackupError(FapiaoError):
    """Base of every backup and restore error."""

    code = "backup.error"
    default_message = "备份或恢复失败"
    default_message_en = "Backup or restore failed"


class BackupCorruptError(BackupError):
    """The archive is damaged: altered, truncated, or its contents differ from its manifest."""

    code = "backup.corrupt"
    default_message = "备份文件已损坏"
    default_message_en = "The backup archive is damaged"


class BackupWrongKeyError(BackupError):
    """The archive was made under a master key that this installation does not hold."""

    code = "backup.wrong_key"
    default_message = "备份由另一个主密钥加密"
    default_message_en = "The backup was encrypted under another master key"


class RestoreTargetNotEmptyError(BackupError):
    """The instance to restore into already holds data (and ``--force`` was not given)."""

    code = "backup.target_not_empty"
    default_message = "目标实例已有数据"
    default_message_en = "The target instance already holds data"


class BackupUnsupportedError(BackupError):
    """The archive cannot be restored here (another database engine, a newer format, no tool)."""

    code = "backup.unsupported"
    default_message = "无法在此恢复该备份"
    default_message_en = "This backup cannot be restored here"
