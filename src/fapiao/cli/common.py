"""Shared plumbing of the commands: one-line errors with exit code 2, the Rich consoles."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from fapiao.core.errors import FapiaoError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def fail(message: str, message_en: str) -> NoReturn:
    """Print a one-line error (Chinese / English) on stderr and exit with code 2."""
    err_console.print(f"[bold red]错误 Error:[/] {message} / {message_en}", soft_wrap=True)
    raise typer.Exit(EXIT_USAGE)


def fail_with(exc: FapiaoError) -> NoReturn:
    """Report a domain error as a one-line usage error."""
    fail(exc.message, exc.message_en)
