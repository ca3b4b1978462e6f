"""First start (首次启动): an administrator and a first company, credentials shown once.

``make run`` and ``fapiao createadmin`` share this.  Credentials come from the
``FAPIAO_ADMIN_*`` settings; a password that is not given is generated and printed once.  A
marker file in the data directory (``bootstrap.json``, no secrets in it) records that the first
start happened, so ``make run`` never generates credentials again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fapiao import config
from fapiao.cli.db import django_setup

MARKER = "bootstrap.json"
DEFAULT_ADMIN = "admin"
DEFAULT_EMAIL = "admin@localhost"
DEFAULT_COMPANY = "示例公司"
DEFAULT_TAX_ID = "91110108MA01ABCD0B"


class BootstrapError(ValueError):
    """Credentials that cannot be used (e.g. a password the validators refuse)."""

    def __init__(self, message: str, message_en: str) -> None:
        self.message, self.message_en = message, message_en
        super().__init__(f"{message} / {message_en}")


@dataclass(frozen=True, slots=True)
class AdminOutcome:
    """What ``admin_ensure`` did: the user, whether it was created, a generated password."""

    user: Any
    created: bool
    generated_password: str | None


def admin_ensure(
    *, username: str | None = None, email: str | None = None, password: str | None = None
) -> AdminOutcome:
    """Make sure the administrator (superuser) exists; an existing one is left unchanged."""
    django_setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from fapiao.web.events.services import event_record

    username = username or config.get("FAPIAO_ADMIN_USERNAME") or DEFAULT_ADMIN
    email = email or config.get("FAPIAO_ADMIN_EMAIL") or DEFAULT_EMAIL
    password = password or config.get("FAPIAO_ADMIN_PASSWORD")
    user_model = get_user_model()
    existing = user_model.objects.filter(username=username).first()
    if existing is not None:
        return AdminOutcome(existing, created=False, generated_password=None)
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    try:
        validate_password(password, user=user_model(username=username, email=email))
    except ValidationError as exc:
        text = " ".join(str(m) for m in exc.messages)
        raise BootstrapError(f"密码不合要求：{text}", f"The password is refused: {text}") from exc
    with transaction.atomic(durable=True):
        user = user_model.objects.create_superuser(
            username=username, email=email, password=password
        )
        event_record(
            company=None,
            actor=None,
            action="user.admin_created",
            obj=user,
            before=None,
            after={"username": username, "email": email, "generated_password": bool(generated)},
        )
    return AdminOutcome(user, created=True, generated_password=generated)


def first_company_ensure(*, admin: Any, name: str | None = None, tax_id: str | None = None) -> Any:
    """The first company (the admin becomes its 管理员), created only when there is none."""
    django_setup()
    from fapiao.web.companies.models import Company
    from fapiao.web.companies.services import company_create

    company = Company.objects.order_by("id").first()
    if company is not None:
        return company
    return company_create(
        name=name or config.get("FAPIAO_COMPANY_NAME") or DEFAULT_COMPANY,
        tax_id=tax_id or config.get("FAPIAO_COMPANY_TAX_ID") or DEFAULT_TAX_ID,
        actor=admin,
    )


def first_start(data_dir: Path) -> list[str]:
    """Administrator and first company on the first start only; the lines to print once."""
    marker = data_dir / MARKER
    if marker.exists():
        return []
    outcome = admin_ensure()
    company = first_company_ensure(admin=outcome.user)
    lines = []
    if outcome.created:
        lines.append(f"管理员 Administrator: {outcome.user.get_username()}")
        if outcome.generated_password:
            lines.append(
                f"初始密码 Password: {outcome.generated_password}"
                "  （只显示这一次，请立即保存 · shown only this once, save it now）"
            )
    lines.append(f"公司 Company: {company.name} ({company.tax_id})")
    marker.write_text(
        json.dumps(
            {"admin": outcome.user.get_username(), "company": company.tax_id},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return lines
