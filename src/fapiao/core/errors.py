"""One error tree for the domain, each error with a stable machine code.

Identifier functions raise these (in the style of python-stdnum); whole-invoice rules do not raise,
they return findings (see ``fapiao.core.findings``).  Every error carries a Chinese message
(``message``) and an English one (``message_en``) that name the offending value.
"""

from __future__ import annotations


class FapiaoError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"
    default_message = "无效的值"
    default_message_en = "Invalid value"

    def __init__(self, message: str | None = None, message_en: str | None = None) -> None:
        self.message = message or self.default_message
        self.message_en = message_en or self.default_message_en
        super().__init__(f"{self.message} / {self.message_en}")

    def as_dict(self) -> dict[str, str]:
        """The error as the JSON object the parse command and the API print."""
        return {"code": self.code, "message": self.message, "message_en": self.message_en}


class ValidationError(FapiaoError):
    """A value is not acceptable (the stdnum ``ValidationError``)."""

    code = "invalid"


class InvalidFormat(ValidationError):
    """The value has characters or a shape that cannot be right."""

    code = "invalid_format"
    default_message = "格式不正确"
    default_message_en = "Invalid format"


class InvalidLength(InvalidFormat):
    """The value has the wrong number of characters."""

    code = "invalid_length"
    default_message = "长度不正确"
    default_message_en = "Invalid length"


class InvalidChecksum(ValidationError):
    """The check character does not match."""

    code = "invalid_checksum"
    default_message = "校验位不正确"
    default_message_en = "Invalid check character"


class InvalidComponent(ValidationError):
    """A part of the value (region, year, kind) is not a known one."""

    code = "invalid_component"
    default_message = "组成部分不正确"
    default_message_en = "Invalid component"


class AmountError(ValidationError):
    """An amount (digits or 大写) cannot be read or written."""

    code = "invalid_amount"
    default_message = "金额不正确"
    default_message_en = "Invalid amount"


class ParseError(FapiaoError):
    """A file cannot be read as invoices."""

    code = "parse_error"
    default_message = "无法解析文件"
    default_message_en = "The file cannot be parsed"


class UnsupportedFormat(ParseError):
    """The file is none of the formats fapiao reads."""

    code = "unsupported_format"
    default_message = "不支持的文件格式"
    default_message_en = "Unsupported file format"


class NotAnInvoice(ParseError):
    """The file is of a known format but holds no invoice."""

    code = "not_an_invoice"
    default_message = "文件中没有发票"
    default_message_en = "The file holds no invoice"


class EncryptedFile(ParseError):
    """The file is password-protected."""

    code = "encrypted"
    default_message = "文件已加密，无法读取"
    default_message_en = "The file is encrypted"


class CorruptFile(ParseError):
    """The file is truncated or damaged."""

    code = "corrupt"
    default_message = "文件已损坏或不完整"
    default_message_en = "The file is damaged or truncated"


class UnsafeFile(ParseError):
    """The file tries something hostile: a zip bomb, path traversal, entity expansion."""

    code = "unsafe"
    default_message = "文件内容不安全，已拒绝"
    default_message_en = "The file is unsafe and was refused"


class TooLarge(UnsafeFile):
    """The file (or something inside it) exceeds a size limit."""

    code = "too_large"
    default_message = "文件超过大小限制"
    default_message_en = "The file exceeds a size limit"


class TabularError(ParseError):
    """A table (CSV/XLSX) cannot be read as the expected columns."""

    code = "tabular_error"
    default_message = "表格无法读取"
    default_message_en = "The table cannot be read"


class MissingColumns(TabularError):
    """Required columns were not found in the header."""

    code = "missing_columns"

    def __init__(self, missing: list[str], *, sheet: str | None = None) -> None:
        self.missing = list(missing)
        where = f"（工作表 {sheet}）" if sheet else ""
        where_en = f" (sheet {sheet})" if sheet else ""
        names = "、".join(self.missing)
        super().__init__(
            f"找不到必需的列{where}：{names}",
            f"Required columns not found{where_en}: {', '.join(self.missing)}",
        )
