"""Key rotation: every file stays readable; ``--company`` re-encrypts under a new data key."""

from __future__ import annotations

import base64
import os

import pytest
import typer
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.core.crypto.keyring import load_key_file, parse_keyring
from fapiao.web.events.models import Event
from fapiao.web.invoices.selectors import stored_file_path
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.storage import read_original
from fapiao.web.keys.keyring import keyring_reset
from fapiao.web.keys.models import CompanyKey, KeyStatus

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _files(company, user, count=3):
    out = []
    for n in range(count):
        content = f"%PDF-1.7 file {n} ".encode() + os.urandom(70_000 + n)
        stored, _ = stored_file_create(company=company, content=content, actor=user)
        out.append((stored, content))
    return out


def _all_readable(files) -> bool:
    return all(read_original(stored) == content for stored, content in files)


def test_master_key_rotation_rewraps_every_key_and_keeps_files_readable(
    company, other_company, user, key_file
):
    files = _files(company, user) + _files(other_company, user, 2)
    raw_before = [stored_file_path(s).read_bytes() for s, _ in files]
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    keyring = load_key_file(key_file)
    assert keyring.key_ids == ("k1", "k2")
    assert set(CompanyKey.objects.values_list("master_key_id", flat=True)) == {"k2"}
    assert [stored_file_path(s).read_bytes() for s, _ in files] == raw_before
    keyring_reset()
    assert _all_readable(files)
    # The old master key can go: the new one alone opens everything.
    key_file.write_text(keyring.without("k1").to_text())
    keyring_reset()
    assert _all_readable(files)
    assert Event.objects.filter(action="key.rewrapped").count() == 2
    assert runner.invoke(app, ["keys", "check"]).exit_code == 0


def test_rotation_with_the_key_in_the_environment_prints_the_new_value(
    company, user, key_file, monkeypatch
):
    files = _files(company, user, 1)
    old_text = key_file.read_text().strip()
    key_file.unlink()
    monkeypatch.setenv("FAPIAO_MASTER_KEY", old_text)
    keyring_reset()
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new_text = next(line for line in result.output.splitlines() if line.startswith("k1:"))
    assert parse_keyring(new_text).key_ids == ("k1", "k2")
    assert not key_file.exists()
    monkeypatch.setenv("FAPIAO_MASTER_KEY", new_text)
    keyring_reset()
    assert _all_readable(files)


def test_company_rotation_reencrypts_its_files_under_a_new_data_key(
    company, other_company, user, key_file
):
    mine, theirs = _files(company, user), _files(other_company, user, 1)
    old_key = CompanyKey.objects.get(company=company).key_id
    raw_before = [stored_file_path(s).read_bytes() for s, _ in mine]
    other_raw = stored_file_path(theirs[0][0]).read_bytes()
    result = runner.invoke(app, ["keys", "rotate", "--company", str(company.pk)])
    assert result.exit_code == 0, result.output
    [active] = CompanyKey.objects.filter(company=company)
    assert active.key_id != old_key
    assert active.status == KeyStatus.ACTIVE
    for (stored, _), before in zip(mine, raw_before, strict=True):
        after = stored_file_path(stored).read_bytes()
        assert after != before
        assert active.key_id.encode() in after[:40]
    assert stored_file_path(theirs[0][0]).read_bytes() == other_raw
    keyring_reset()
    assert _all_readable(mine + theirs)
    actions = set(Event.objects.filter(company=company).values_list("action", flat=True))
    assert {"key.rotated", "key.retired_destroyed"} <= actions


def test_unknown_company_is_a_usage_error(key_file):
    result = runner.invoke(app, ["keys", "rotate", "--company", "999999"])
    assert result.exit_code == 2


def test_a_key_in_the_environment_that_is_not_base64_is_refused(company, user, monkeypatch):
    _files(company, user, 1)
    monkeypatch.setenv("FAPIAO_MASTER_KEY", "not a key!")
    keyring_reset()
    result = runner.invoke(app, ["keys", "check"])
    assert result.exit_code == 2
    assert "base64" in result.output
    monkeypatch.setenv("FAPIAO_MASTER_KEY", base64.b64encode(b"short").decode())
    keyring_reset()
    assert runner.invoke(app, ["keys", "check"]).exit_code == 2


def test_servers_refuse_to_start_without_the_key(company, user, key_file):
    from fapiao.cli.keys import startup_check

    _files(company, user, 1)
    key_file.unlink()
    keyring_reset()
    result = runner.invoke(app, ["keys", "check"])
    assert result.exit_code == 2
    assert "FAPIAO_MASTER_KEY" in result.output
    with pytest.raises(typer.Exit):
        startup_check()
