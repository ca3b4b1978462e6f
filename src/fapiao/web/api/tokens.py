"""The raw form of an API token and its hash: ``fp_`` + 32 random bytes, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "fp_"  # noqa: S105 - a fixed marker, not a secret
TOKEN_BYTES = 32


def token_generate() -> str:
    """A new raw token: ``fp_`` followed by 32 random bytes in URL-safe base64."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(raw: str) -> str:
    """The SHA-256 (hex) under which a raw token is stored and looked up."""
    return hashlib.sha256(raw.strip().encode("utf-8")).hexdigest()
