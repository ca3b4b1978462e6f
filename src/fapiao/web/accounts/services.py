"""Writes for accounts: registration, e-mail verification, TOTP devices and recovery codes.

Account events have no company: they go to the system sequence of the event table.
"""

from __future__ import annotations

import unicodedata

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fapiao.web.accounts.models import Profile
from fapiao.web.events.services import event_record
from fapiao.web.keys.fields import mask

EMAIL_TOKEN_SALT = "fapiao.accounts.email-verification"  # noqa: S105 (a salt, not a secret)
EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600
RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6


class TokenInvalidError(ValueError):
    """验证链接无效或已过期 (the verification link is invalid or expired)."""


def user_register(
    *, full_name: str, mobile: str, email: str, password: str, id_number: str = ""
) -> AbstractBaseUser:
    """注册 (register): a user whose login name is the e-mail address, with a profile."""
    email = unicodedata.normalize("NFKC", email).strip().lower()
    full_name = unicodedata.normalize("NFKC", full_name).strip()
    user_model = get_user_model()
    with transaction.atomic(durable=True):
        user = user_model.objects.create_user(
            username=email, email=email, password=password, first_name=full_name[:150]
        )
        Profile.objects.create(
            user=user,
            full_name=full_name,
            mobile=mobile,
            id_number=id_number.strip().upper(),
        )
        event_record(
            company=None,
            actor=user,
            action="account.registered",
            obj=user,
            before=None,
            after={"email": email, "full_name": full_name, "mobile": mask(mobile)},
        )
    return user


def email_verification_token(*, user: AbstractBaseUser) -> str:
    """A signed token for the user's current e-mail address."""
    return signing.dumps({"u": user.pk, "e": getattr(user, "email", "")}, salt=EMAIL_TOKEN_SALT)


def email_verification_send(*, user: AbstractBaseUser, base_url: str) -> None:
    """Send the verification link (验证邮箱) to the user's e-mail address."""
    link = base_url.rstrip("/") + reverse(
        "accounts:verify_email", args=[email_verification_token(user=user)]
    )
    context = {"user": user, "link": link}
    send_mail(
        subject=render_to_string("accounts/email/verify_subject.txt", context).strip(),
        message=render_to_string("accounts/email/verify_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[getattr(user, "email", "")],
    )


def email_verify(*, token: str) -> AbstractBaseUser:
    """Mark the e-mail address of the token's user verified; TokenInvalidError if it is not."""
    try:
        data = signing.loads(token, salt=EMAIL_TOKEN_SALT, max_age=EMAIL_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise TokenInvalidError(token) from None
    user = get_user_model().objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise TokenInvalidError(token)
    with transaction.atomic(durable=True):
        profile, _ = Profile.objects.select_for_update().get_or_create(
            user=user, defaults={"full_name": user.get_username()}
        )
        if profile.email_verified_at is None:
            profile.email_verified_at = timezone.now()
            profile.save(update_fields=["email_verified_at"])
            event_record(
                company=None,
                actor=user,
                action="account.email_verified",
                obj=user,
                before=None,
                after={"email": user.email},
            )
    return user


def profile_update(*, user: AbstractBaseUser, full_name: str, mobile: str) -> Profile:
    """Change the name and mobile number in the user's profile."""
    with transaction.atomic(durable=True):
        profile, _ = Profile.objects.select_for_update().get_or_create(
            user_id=user.pk, defaults={"full_name": full_name}
        )
        before = {"full_name": profile.full_name, "mobile": profile.mobile}
        profile.full_name = unicodedata.normalize("NFKC", full_name).strip()
        profile.mobile = mobile
        profile.save(update_fields=["full_name", "mobile"])
        get_user_model().objects.filter(pk=user.pk).update(first_name=profile.full_name[:150])
        after = {"full_name": profile.full_name, "mobile": profile.mobile}
        if before != after:
            event_record(
                company=None,
                actor=user,
                action="account.profile_updated",
                obj=user,
                before={**before, "mobile": mask(before["mobile"])},
                after={**after, "mobile": mask(after["mobile"])},
            )
    return profile


def totp_device_pending(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's unconfirmed TOTP device (created when missing), shown on the setup page."""
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def totp_device_confirm(*, user: AbstractBaseUser, device_id: int, token: str) -> list[str] | None:
    """Confirm a pending TOTP device with a code; returns fresh recovery codes, None if wrong."""
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.filter(user_id=user.pk, pk=device_id, confirmed=False).first()
        if device is None or not device.verify_token(token.strip()):
            return None
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user=user)
        event_record(
            company=None,
            actor=user,
            action="account.totp_enabled",
            obj=user,
            before=None,
            after={"device": device.pk},
        )
    return codes


def recovery_codes_regenerate(*, user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes (恢复码) with 10 new single-use ones."""
    with transaction.atomic(durable=True):
        codes = _recovery_codes_replace(user=user)
        event_record(
            company=None,
            actor=user,
            action="account.recovery_codes_generated",
            obj=user,
            before=None,
            after={"count": len(codes)},
        )
    return codes


def _recovery_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def otp_check(*, user: AbstractBaseUser, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts the code (a TOTP code or an unused recovery code), or None.

    A recovery code is used up by the check.
    """
    code = "".join(unicodedata.normalize("NFKC", code).split()).lower()
    if not code:
        return None
    with transaction.atomic(durable=True):
        if code.isdigit() and len(code) == TOTP_DIGITS:
            totp = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
            if totp is not None and totp.verify_token(code):
                return totp
        static = StaticDevice.objects.filter(user_id=user.pk, confirmed=True).first()
        if static is None or not static.verify_token(code):
            return None
        event_record(
            company=None,
            actor=user,
            action="account.recovery_code_used",
            obj=user,
            before=None,
            after={"left": static.token_set.count()},
        )
    return static


def totp_disable(*, user: AbstractBaseUser) -> None:
    """Remove the user's TOTP device and recovery codes (两步验证关闭)."""
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        StaticDevice.objects.filter(user_id=user.pk).delete()
        event_record(
            company=None,
            actor=user,
            action="account.totp_disabled",
            obj=user,
            before=None,
            after=None,
        )


def login_lockout_clear(*, user: AbstractBaseUser) -> int:
    """Forget the failed logins of a user (after a password reset); returns how many."""
    count = int(axes_reset(username=user.get_username()))
    if count:
        event_record(
            company=None,
            actor=user,
            action="account.lockout_cleared",
            obj=user,
            before={"failures": count},
            after=None,
        )
    return count


def user_reauthenticate(
    *, user: AbstractBaseUser, password: str, code: str, ip: str | None = None
) -> bool:
    """再次验证身份 (re-authentication): the password, plus a code when the user has a device.

    Both outcomes are events; a recovery code is used up like at login.
    """
    from fapiao.web.accounts.selectors import user_has_device

    ok = bool(password) and user.check_password(password)
    if ok and user_has_device(user=user):
        ok = otp_check(user=user, code=code) is not None
    event_record(
        company=None,
        actor=user,
        action="auth.reauthenticated" if ok else "auth.reauth_failed",
        obj=user,
        before=None,
        after=None,
        ip=ip,
    )
    return ok
