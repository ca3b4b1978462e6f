"""Account tests hash passwords with Argon2 at a test-sized cost (same algorithm, less memory)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with a tiny cost: the production parameters take most of a second on a busy CI."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["web.accounts.conftest.FastArgon2PasswordHasher"]
