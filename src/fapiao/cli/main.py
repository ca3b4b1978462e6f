"""Entry point of the ``fapiao`` command (Typer + Rich); help is Chinese first, English second."""

from __future__ import annotations

import importlib

import typer

from fapiao import __version__

app = typer.Typer(
    name="fapiao",
    help="发票管理与对账工具 · Invoice management and tax reconciliation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

COMMAND_MODULES: tuple[str, ...] = (
    "describe",
    "validate",
    "parse",
    "reconcile",
    "serve",
    "ops",
    "importcmd",
    "exportcmd",
    "backup",
    "audit",
    "keys",
    "demo",
)
"""Modules under ``fapiao.cli`` whose ``register(app)`` adds their commands."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fapiao {__version__}")
        raise typer.Exit


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="显示版本并退出 · Show the version and exit.",
    ),
) -> None:
    """发票管理与对账工具 · Invoice management and tax reconciliation."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"fapiao.cli.{_name}").register(app)
