"""``fapiao describe``: explain an invoice number or code, a check code, or a tax ID."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fapiao.cli.common import console, fail_with
from fapiao.core.errors import FapiaoError
from fapiao.core.identifiers import describe as describe_identifier


def register(app: typer.Typer) -> None:
    """Add the ``describe`` command."""

    @app.command("describe")
    def describe(
        value: Annotated[
            str,
            typer.Argument(help="发票号码/代码、校验码或税号 · number/code, check code or tax ID"),
        ],
        as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出 · print JSON")] = False,
    ) -> None:
        """解释发票号码、代码或税号 · Explain an invoice number, code or tax ID."""
        try:
            description = describe_identifier(value)
        except FapiaoError as exc:
            fail_with(exc)
        if as_json:
            typer.echo(json.dumps(description.as_dict(), ensure_ascii=False))
            return
        for line in description.lines():
            console.print(line, soft_wrap=True)
