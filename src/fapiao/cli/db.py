"""Plumbing of the database commands: Django is set up only when one of them runs.

``fapiao parse``, ``validate`` and ``describe`` never import Django; the commands that work on
the database (serve, worker, createadmin, company, import, invoices, export) call
:func:`django_setup` first, inside the command.
"""

from __future__ import annotations

import os
import unicodedata
from typing import TYPE_CHECKING

from fapiao.cli.common import fail

if TYPE_CHECKING:
    from fapiao.web.companies.models import Company

SETTINGS_MODULE = "fapiao.web.settings"


def django_setup() -> None:
    """Configure Django with the project's settings (once; a no-op when already set up)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate(*, verbosity: int = 0) -> None:
    """Apply pending migrations to the configured database."""
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def company_by_tax_id(tax_id: str) -> Company:
    """The company with this 纳税人识别号, or a one-line error (exit code 2)."""
    django_setup()
    from fapiao.web.companies.models import Company
    from fapiao.web.companies.services import normalize_tax_id

    wanted = normalize_tax_id(tax_id)
    company = Company.objects.filter(tax_id=wanted).first()
    if company is None:
        fail(f"没有税号为 {wanted} 的公司", f"No company has the tax ID {wanted}")
    return company


def nfkc(text: str) -> str:
    """Command-line text in NFKC, trimmed."""
    return unicodedata.normalize("NFKC", text).strip()
