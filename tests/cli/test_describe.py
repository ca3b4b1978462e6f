"""``fapiao describe``: explains identifiers, and refuses garbage with exit code 2."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from fapiao.cli.main import app

runner = CliRunner()


def test_digital_number_says_region_year_and_channel() -> None:
    result = runner.invoke(app, ["describe", "25322000000365404822"])
    assert result.exit_code == 0, result.output
    assert "江苏" in result.output
    assert "2025" in result.output


def test_code_ending_04_is_called_ambiguous() -> None:
    result = runner.invoke(app, ["describe", "011002100104", "--json"])
    data = json.loads(result.output)
    assert data["ambiguous"]


def test_tax_id_as_json_keeps_the_region() -> None:
    result = runner.invoke(app, ["describe", "91110108MA01KPGK0L", "--json"])
    data = json.loads(result.output)
    assert data["valid"] is True
    assert data["region"]["name"] == "北京"


def test_garbage_is_one_line_with_exit_2() -> None:
    result = runner.invoke(app, ["describe", "12345"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
