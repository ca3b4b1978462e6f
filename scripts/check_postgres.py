"""Check that PostgreSQL answers before its tests run: fail under CI, else skip with a notice."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg

MARK = Path("var/postgres.skip")


def main(url: str) -> int:
    """Exit 0 when the server answers (or when skipping is allowed), 1 otherwise."""
    MARK.parent.mkdir(exist_ok=True)
    MARK.unlink(missing_ok=True)
    conninfo = psycopg.conninfo.conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    conninfo["dbname"] = "postgres"  # the server answers; the test database is created by the tests
    try:
        with psycopg.connect(**conninfo, connect_timeout=5):
            pass
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            sys.stderr.write(f"PostgreSQL does not answer at {url}: {exc}\n")
            return 1
        sys.stderr.write(f"PostgreSQL not reachable at {url}; its tests are skipped here.\n")
        MARK.touch()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
