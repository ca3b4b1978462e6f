"""Reads for accounts: devices of two-factor authentication and whether a user needs one."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from fapiao.web.accounts.models import Profile
from fapiao.web.companies.models import Membership

UserLike = AbstractBaseUser | AnonymousUser


def user_has_device(*, user: UserLike) -> bool:
    """True when the user has a confirmed TOTP device (两步验证已启用)."""
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def user_requires_two_factor(*, user: UserLike) -> bool:
    """True when one of the user's roles is in FAPIAO_REQUIRE_2FA_ROLES."""
    roles = getattr(settings, "FAPIAO_REQUIRE_2FA_ROLES", ())
    if not roles or user.pk is None:
        return False
    return Membership.objects.filter(user_id=user.pk, role__in=roles).exists()


def recovery_codes_left(*, user: UserLike) -> int:
    """How many unused recovery codes (恢复码) the user has."""
    if user.pk is None:
        return 0
    return sum(
        device.token_set.count()
        for device in StaticDevice.objects.filter(user_id=user.pk, confirmed=True)
    )


def profile_get(*, user: UserLike) -> Profile | None:
    """The user's profile, or None for users created without registration."""
    if user.pk is None:
        return None
    return Profile.objects.filter(user_id=user.pk).first()


def user_get_by_email(*, email: str) -> AbstractBaseUser | None:
    """The active user with this e-mail address (case-insensitive), or None."""
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
