"""Settings: one registry, documented in docs/settings.md, with safe defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from fapiao import config

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_docs_table_matches_the_registry() -> None:
    assert config.markdown_table() in DOCS.read_text(encoding="utf-8")


def test_every_setting_is_prefixed() -> None:
    for setting in config.SETTINGS:
        assert setting.name.startswith("FAPIAO_") or setting.name == "DATABASE_URL"


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAPIAO_DATA_DIR", str(tmp_path / "d"))
    assert config.data_dir() == tmp_path / "d"
    assert (tmp_path / "d").is_dir()


def test_unknown_setting_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        config.get("FAPIAO_NOPE")


def test_integer_and_boolean_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAPIAO_SYNC_DAYS", "5")
    assert config.int_setting("FAPIAO_SYNC_DAYS", 3) == 5
    monkeypatch.setenv("FAPIAO_SYNC_DAYS", "five")
    with pytest.raises(ValueError, match="FAPIAO_SYNC_DAYS"):
        config.int_setting("FAPIAO_SYNC_DAYS", 3)
    monkeypatch.delenv("FAPIAO_SYNC_DAYS")
    assert config.int_setting("FAPIAO_SYNC_DAYS", 3) == 3
    monkeypatch.setenv("FAPIAO_DEBUG", "yes")
    assert config.bool_setting("FAPIAO_DEBUG") is True
    monkeypatch.delenv("FAPIAO_DEBUG")
    assert config.bool_setting("FAPIAO_DEBUG") is False
