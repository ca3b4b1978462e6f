"""``fapiao validate``: findings printed, exit codes, one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fapiao.cli.main import app

runner = CliRunner()

GOOD = {
    "kind": "digital_ordinary",
    "direction": "purchase",
    "number": "25322000000365404822",
    "issue_date": "2025-03-01",
    "seller": {"name": "无锡市安协安全培训中心", "tax_id": "52320200MJ61599178"},
    "buyer": {"name": "某某科技有限公司", "tax_id": "91320214MA1MXXXX0P"},
    "net_amount": "235.85",
    "tax_amount": "14.15",
    "gross_amount": "250.00",
}


def write(tmp_path: Path, text: str, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_gross_mismatch_is_an_error_with_exit_1(tmp_path: Path) -> None:
    bad = {**GOOD, "gross_amount": "251.00"}
    result = runner.invoke(app, ["validate", str(write(tmp_path, json.dumps(bad))), "--json"])
    assert result.exit_code == 1, result.output
    line = json.loads(result.output.splitlines()[0])
    assert line["invoice"] == "25322000000365404822"
    errors = [f for f in line["findings"] if f["severity"] == "error"]
    assert errors
    assert any("251.00" in f["message_en"] for f in errors)


def test_a_list_and_json_lines_of_parse_output(tmp_path: Path) -> None:
    listing = write(tmp_path, json.dumps([GOOD, GOOD]))
    result = runner.invoke(app, ["validate", str(listing), "--json", "--today", "2025-06-01"])
    assert len(result.output.strip().splitlines()) == 2
    parse_lines = "\n".join(
        json.dumps({"file": f"f{i}.xml", "format": "xml", "invoices": [GOOD], "errors": []})
        for i in range(3)
    )
    path = write(tmp_path, parse_lines, "p.jsonl")
    result = runner.invoke(app, ["validate", str(path), "--json", "--today", "2025-06-01"])
    labels = [json.loads(line)["invoice"] for line in result.output.splitlines()]
    assert labels == ["25322000000365404822"] * 3


def test_table_output_shows_chinese_and_english(tmp_path: Path) -> None:
    bad = {**GOOD, "gross_amount": "251.00"}
    result = runner.invoke(app, ["validate", str(write(tmp_path, json.dumps(bad)))])
    assert result.exit_code == 1
    assert "校验结果" in result.output
    assert "Validation findings" in result.output


def test_not_json_is_a_one_line_error_with_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(write(tmp_path, "{not json\nstill not"))])
    assert result.exit_code == 2
    assert "不是有效的 JSON" in result.output
    assert "Traceback" not in result.output


def test_bad_field_value_names_the_field(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(write(tmp_path, json.dumps({"kind": "bogus"})))])
    assert result.exit_code == 2
    assert "kind" in result.output


def test_missing_file_and_bad_date(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "无法读取" in result.output
    good = write(tmp_path, json.dumps(GOOD))
    result = runner.invoke(app, ["validate", str(good), "--today", "2025-13-01"])
    assert result.exit_code == 2
    assert "--today" in result.output


def test_empty_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(write(tmp_path, "\n\n"))])
    assert result.exit_code == 2


def test_version_and_help() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("fapiao ")
    result = runner.invoke(app, ["--help"])
    assert "发票" in result.output
    assert "Invoice" in result.output


def test_a_clean_invoice_exits_0_with_no_findings(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(GOOD))
    args = ["validate", str(path), "--json", "--today", "2025-06-01"]
    result = runner.invoke(app, [*args, "--company-tax-id", "91320214MA1MXXXX0P"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["findings"] == []


def test_future_date_against_the_reference_day(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(GOOD))
    result = runner.invoke(app, ["validate", str(path), "--json", "--today", "2025-02-01"])
    codes = [f["code"] for f in json.loads(result.output)["findings"]]
    assert any(code.startswith("date.") for code in codes), codes
