"""Writes for API tokens (接口令牌): create (the raw token is returned once), revoke, record use."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fapiao.web.api.models import ApiToken, TokenScope
from fapiao.web.api.tokens import token_generate, token_hash
from fapiao.web.companies.models import Company
from fapiao.web.companies.selectors import membership_role
from fapiao.web.events.services import event_record

MAX_LIFETIME_DAYS = 366
"""A token lives at most a year (and a day): tokens that never expire are not offered."""


class TokenRefusedError(ValueError):
    """A token that cannot be created or changed (拒绝), with a Chinese and an English message."""

    code = "api.token_refused"

    def __init__(self, message: str, message_en: str) -> None:
        self.message = message
        self.message_en = message_en
        super().__init__(f"{message} / {message_en}")


def api_token_create(
    *,
    user: AbstractBaseUser,
    company: Company,
    name: str,
    scope: TokenScope | str = TokenScope.READ,
    lifetime_days: int = 90,
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for a member of the company: the row and the raw token (shown once)."""
    scope = TokenScope(scope)
    name = name.strip()
    if not name:
        raise TokenRefusedError("令牌名称不能为空", "The token needs a name")
    if not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        raise TokenRefusedError(
            f"有效期必须在 1 到 {MAX_LIFETIME_DAYS} 天之间（收到 {lifetime_days}）",
            f"The lifetime must be 1 to {MAX_LIFETIME_DAYS} days (got {lifetime_days})",
        )
    if membership_role(user=user, company=company) is None:
        raise TokenRefusedError(
            f"用户不是“{company.name}”的成员", f"The user is not a member of {company.tax_id}"
        )
    raw = token_generate()
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            user_id=user.pk,
            company=company,
            name=name[:100],
            token_hash=token_hash(raw),
            prefix=raw[:10],
            scope=scope,
            expires_at=timezone.now() + dt.timedelta(days=lifetime_days),
        )
        event_record(
            company=company,
            actor=user,
            action="api_token.created",
            obj=token,
            before=None,
            after={
                "name": token.name,
                "prefix": token.prefix,
                "scope": token.scope,
                "expires_at": token.expires_at,
            },
            ip=ip,
        )
    return token, raw


def api_token_revoke(
    *, token: ApiToken, actor: AbstractBaseUser, ip: str | None = None
) -> ApiToken:
    """Revoke a token (吊销); revoking it again changes nothing."""
    with transaction.atomic(durable=True):
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            event_record(
                company=locked.company,
                actor=actor,
                action="api_token.revoked",
                obj=locked,
                before={"revoked_at": None},
                after={"revoked_at": locked.revoked_at},
                ip=ip,
            )
    token.revoked_at = locked.revoked_at
    return token


def api_token_use(
    *, token: ApiToken, method: str, path: str, is_write: bool, ip: str | None = None
) -> None:
    """Note a use of the token (最近使用); a use on a write endpoint is also an event row."""
    now = timezone.now()
    if not is_write:
        # Bookkeeping, not a change of data: no event, and at most one write per minute.
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return
    with transaction.atomic(durable=True):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        event_record(
            company=token.company,
            actor=token.user,
            action="api_token.used",
            obj=token,
            before=None,
            after={"method": method, "path": path[:500], "prefix": token.prefix},
            ip=ip,
        )
    token.last_used_at = now
