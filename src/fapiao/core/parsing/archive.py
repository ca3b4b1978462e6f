"""ZIP uploads (压缩包): every member parsed by its own reader, nested archives included.

Each invoice remembers the member it came from (``2024-05/a.zip/b.ofd`` for nested archives).
A member that breaks a rule (path traversal, encryption, a size or ratio limit, damage) yields a
typed error naming it while the other members still parse; the whole upload shares one budget of
unpacked bytes, and archives nest at most ``Limits.max_zip_depth`` deep.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from fapiao.core.errors import FapiaoError, NotAnInvoice, UnsafeFile
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.sniff import sniff
from fapiao.core.parsing.zipsafe import Budget, member_name, open_zip

MemberParser = Callable[[bytes, ParseOptions, str], ParseResult]
"""Parses one member's bytes (sniff and dispatch); returns errors rather than raising."""

_SKIPPED_PREFIXES = ("__MACOSX/",)


def _skipped(name: str) -> bool:
    base = posixpath.basename(name.rstrip("/"))
    return name.startswith(_SKIPPED_PREFIXES) or base.startswith(".") or base in ("Thumbs.db",)


def _named(error: FapiaoError, member: str) -> FapiaoError:
    """The same error type with the member's path in front of its messages."""
    if error.message.startswith(member):
        return error
    named = type(error).__new__(type(error))
    FapiaoError.__init__(named, f"{member}：{error.message}", f"{member}: {error.message_en}")
    return named


def read_archive(
    data: bytes,
    options: ParseOptions,
    dispatch: MemberParser,
    *,
    prefix: str = "",
    depth: int = 1,
    budget: Budget | None = None,
) -> ParseResult:
    """Every invoice in a zip and its nested zips; errors per member."""
    limits = options.limits
    if depth > limits.max_zip_depth:
        raise UnsafeFile(
            f"压缩包嵌套超过 {limits.max_zip_depth} 层",
            f"Archives nested deeper than {limits.max_zip_depth} levels",
        )
    archive = open_zip(data, limits, what="ZIP")
    budget = budget or Budget(limits)
    invoices: list[ParsedInvoice] = []
    errors: list[FapiaoError] = []
    for info in archive.infolist():
        name = member_name(info)
        if info.is_dir() or _skipped(name):
            continue
        path = f"{prefix}{name}"
        try:
            content = budget.read(archive, info, what=path)
            fmt = sniff(content)
            if fmt is FileFormat.ZIP:
                result = read_archive(
                    content, options, dispatch, prefix=f"{path}/", depth=depth + 1, budget=budget
                )
            else:
                result = dispatch(content, options, posixpath.basename(name))
        except FapiaoError as exc:
            errors.append(_named(exc, path))
            continue
        for parsed in result.invoices:
            member = parsed.member if fmt is FileFormat.ZIP else path
            invoices.append(ParsedInvoice(parsed.invoice, member=member, page=parsed.page))
        errors.extend(e if fmt is FileFormat.ZIP else _named(e, path) for e in result.errors)
    if not invoices and not errors:
        raise NotAnInvoice("压缩包中没有可读取的文件", "The archive holds no readable file")
    return ParseResult(FileFormat.ZIP, invoices=tuple(invoices), errors=tuple(errors))


class ArchiveParser:
    """Reads ZIP uploads, dispatching each member to the reader of its format."""

    formats = frozenset({FileFormat.ZIP})

    def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
        """Every invoice in the archive, with the member path of each."""
        from fapiao.core.parsing.registry import parse_data

        return read_archive(data, options, parse_data)
