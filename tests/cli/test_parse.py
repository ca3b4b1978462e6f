"""``fapiao parse``: JSON lines per file, member paths, exit codes, one-line usage errors."""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.config import samples_dir

runner = CliRunner()


def _lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _expected_exit(objects: list[dict[str, Any]]) -> int:
    failed = any(
        obj["errors"]
        or any(f["severity"] == "error" for i in obj["invoices"] for f in i["findings"])
        for obj in objects
    )
    return 1 if failed else 0


@pytest.mark.samples
def test_json_on_real_samples() -> None:
    samples = samples_dir()
    if not samples.is_dir():
        pytest.skip(f"real sample files not found at {samples}")
    files = [
        samples / "xml/official-mof-sample-special.xml",
        samples / "ofd/zhejiang-legacy-ordinary.ofd",
    ]
    result = runner.invoke(app, ["parse", "--json", *map(str, files)])
    objects = _lines(result.stdout)
    assert [o["file"] for o in objects] == [str(f) for f in files]
    assert [o["format"] for o in objects] == ["xml", "ofd"]
    assert [o["invoices"][0]["number"] for o in objects] == ["23440000000000100001", "83089647"]
    assert objects[1]["invoices"][0]["code"] == "033002000211"
    assert all(o["errors"] == [] for o in objects)
    assert "member" not in objects[0]["invoices"][0]
    assert result.exit_code == _expected_exit(objects)


def test_nonexistent_path_is_a_one_line_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", "--json", str(tmp_path / "nope.ofd")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nope.ofd" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_zip_members_and_errors(corpus: ModuleType, tmp_path: Path) -> None:
    truth = corpus.random_truth(random.Random(1), digital=True)
    data = corpus.zip_of({"in/a.xml": corpus.einvoice_xml(truth), "../evil.xml": b"<EInvoice/>"})
    path = tmp_path / "upload.zip"
    path.write_bytes(data)
    result = runner.invoke(app, ["parse", "--json", str(path)])
    (obj,) = _lines(result.stdout)
    assert obj["format"] == "zip"
    assert [i["member"] for i in obj["invoices"]] == ["in/a.xml"]
    assert obj["invoices"][0]["number"] == truth.number
    assert [e["code"] for e in obj["errors"]] == ["unsafe"]
    assert set(obj["errors"][0]) == {"code", "message", "message_en"}
    assert result.exit_code == 1


def test_corrupt_file_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(b"<EInvoice><Header>")
    result = runner.invoke(app, ["parse", "--json", str(path)])
    (obj,) = _lines(result.stdout)
    assert obj["errors"][0]["code"] == "corrupt"
    assert result.exit_code == 1


def test_folder_needs_recursive_and_jobs_match(corpus: ModuleType, tmp_path: Path) -> None:
    rng = random.Random(2)
    for i in range(4):
        truth = corpus.random_truth(rng, digital=i % 2 == 0)
        variant = "customtag_root" if truth.digital else "attachment"
        (tmp_path / "sub").mkdir(exist_ok=True)
        (tmp_path / "sub" / f"{i}.ofd").write_bytes(corpus.ofd(truth, variant))
    assert runner.invoke(app, ["parse", str(tmp_path)]).exit_code == 2
    serial = runner.invoke(app, ["parse", "--json", "--recursive", str(tmp_path)])
    parallel = runner.invoke(app, ["parse", "--json", "-r", "--jobs", "2", str(tmp_path)])
    objects = _lines(serial.stdout)
    assert len(objects) == 4
    assert objects == _lines(parallel.stdout)
    assert serial.exit_code == parallel.exit_code == _expected_exit(objects)


def test_human_output_shows_a_table(corpus: ModuleType, tmp_path: Path) -> None:
    truth = corpus.random_truth(random.Random(3), digital=True)
    path = tmp_path / "a.xml"
    path.write_bytes(corpus.einvoice_xml(truth))
    result = runner.invoke(app, ["parse", str(path)])
    assert truth.number[:8] in result.stdout
    assert "a.xml" in result.stdout
