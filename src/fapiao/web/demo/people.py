"""演示公司与用户 (demo companies and users): a user per role, an agency user in two companies.

Users register through the accounts service (login name = e-mail address, verified e-mail), so
they log in like anyone else; roles are granted through the companies service.  A password is
generated when a user is created (or when asked to reset) and returned once, never stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fapiao.web.accounts.services import email_verification_token, email_verify, user_register
from fapiao.web.companies.models import Company, Role
from fapiao.web.companies.services import company_create, membership_grant, normalize_tax_id
from fapiao.web.demo.catalogue import (
    AGENCY_CLIENT_NAME,
    AGENCY_CLIENT_TAX_ID,
    DEMO_COMPANY_NAME,
    DEMO_COMPANY_TAX_ID,
)


@dataclass(frozen=True, slots=True)
class DemoUserSpec:
    """Who a demo user is: key, login, name, mobile, role in the demo company and the client."""

    key: str
    email: str
    full_name: str
    mobile: str
    role: Role
    client_role: Role | None = None


DEMO_USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec("admin", "demo-admin@example.com", "王建国", "13800000001", Role.ADMIN),
    DemoUserSpec("clerk", "demo-clerk@example.com", "李晓梅", "13800000002", Role.CLERK),
    DemoUserSpec("reviewer", "demo-reviewer@example.com", "张志强", "13800000003", Role.REVIEWER),
    DemoUserSpec("viewer", "demo-viewer@example.com", "赵雅琴", "13800000004", Role.VIEWER),
    DemoUserSpec(
        "agency", "demo-agency@example.com", "陈思远", "13800000005", Role.CLERK, Role.ADMIN
    ),
)
"""The demo users; ``agency`` (代理记账) also administers the agency's second client."""


@dataclass(frozen=True, slots=True)
class DemoCredential:
    """A demo user and, when it was just set, the password to print (else None)."""

    key: str
    user: AbstractBaseUser
    role: Role
    client_role: Role | None
    password: str | None
    created: bool

    @property
    def username(self) -> str:
        """The login name (the e-mail address)."""
        return self.user.get_username()


def demo_password() -> str:
    """A fresh demo password: letters, digits and a symbol, easy to type."""
    return f"Demo-{secrets.token_urlsafe(9)}-7"


def demo_company_ensure(
    *, tax_id: str | None = None, name: str | None = None
) -> tuple[Company, bool]:
    """The company with ``tax_id`` (default: the demo company), created when missing."""
    wanted = normalize_tax_id(tax_id or DEMO_COMPANY_TAX_ID)
    company = Company.objects.filter(tax_id=wanted).first()
    if company is not None:
        return company, False
    default = DEMO_COMPANY_NAME if wanted == DEMO_COMPANY_TAX_ID else f"演示公司 {wanted}"
    return company_create(name=name or default, tax_id=wanted), True


def agency_client_ensure() -> Company:
    """The agency's second client company (the agency user administers it)."""
    company, _ = demo_company_ensure(tax_id=AGENCY_CLIENT_TAX_ID, name=AGENCY_CLIENT_NAME)
    return company


def _user(spec: DemoUserSpec, *, reset_password: bool) -> tuple[AbstractBaseUser, str | None, bool]:
    user: AbstractBaseUser | None = get_user_model().objects.filter(username=spec.email).first()
    if user is None:
        password = demo_password()
        registered = user_register(
            full_name=spec.full_name, mobile=spec.mobile, email=spec.email, password=password
        )
        email_verify(token=email_verification_token(user=registered))
        return registered, password, True
    if not reset_password:
        return user, None, False
    password = demo_password()
    with transaction.atomic(durable=True):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, password, False


def demo_users_ensure(
    *, company: Company, client: Company, reset_passwords: bool = False
) -> dict[str, DemoCredential]:
    """Every demo user with its role in ``company`` (and the agency user's in ``client``)."""
    found: dict[str, DemoCredential] = {}
    admin: AbstractBaseUser | None = None
    for spec in DEMO_USERS:
        user, password, created = _user(spec, reset_password=reset_passwords)
        if spec.role is Role.ADMIN:
            admin = user
        membership_grant(company=company, user=user, role=spec.role, actor=admin)
        if spec.client_role is not None:
            membership_grant(company=client, user=user, role=spec.client_role, actor=admin)
        found[spec.key] = DemoCredential(
            spec.key, user, spec.role, spec.client_role, password, created
        )
    return found
