"""Production settings pass ``manage.py check --deploy`` without a single warning."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path


def _check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "FAPIAO_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "fapiao.web.settings",
        **env,
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by browser tests; never in production
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path: Path):
    result = _check_deploy(
        tmp_path,
        FAPIAO_DEBUG="0",
        FAPIAO_HTTPS="1",
        FAPIAO_SECRET_KEY=secrets.token_urlsafe(50),
        FAPIAO_ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_plain_http_settings_are_flagged(tmp_path: Path):
    result = _check_deploy(tmp_path, FAPIAO_DEBUG="0", FAPIAO_HTTPS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
