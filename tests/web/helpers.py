"""Test helpers for pages: log in with a current company (and 2FA where the role needs it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from fapiao.web.companies.models import Company, Membership, Role
from fapiao.web.shell.middleware import COMPANY_SESSION_KEY


def login_as(
    client: Client, user: Any, company: Company | None = None, role: Role | str | None = None
) -> None:
    """Log ``user`` in with ``company`` as the current company.

    With ``role`` the user is made (or kept) a member with that role.  A user whose role needs
    two-factor authentication gets a confirmed TOTP device, and the session counts as verified.
    """
    if company is not None and role is not None:
        Membership.objects.update_or_create(
            user=user, company=company, defaults={"role": Role(role)}
        )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    if company is not None:
        session[COMPANY_SESSION_KEY] = company.pk
    required = settings.FAPIAO_REQUIRE_2FA_ROLES
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    if device is None and Membership.objects.filter(user=user, role__in=required).exists():
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@contextmanager
def mocked_s3_originals(
    bucket: str, *, tmp_path: Path, settings: Any, monkeypatch: Any
) -> Iterator[Any]:
    """Originals stored in a mocked S3 bucket (moto); yields the boto3 client of the bucket."""
    import boto3
    from moto import mock_aws

    from fapiao.web.invoices import blobs

    settings.MEDIA_ROOT = tmp_path / "files"  # the local files directory stays empty
    for name, value in {
        "FAPIAO_STORAGE": "s3",
        "FAPIAO_S3_BUCKET": bucket,
        "FAPIAO_S3_REGION": "us-east-1",
        "FAPIAO_S3_PREFIX": "originals",
        "FAPIAO_S3_ACCESS_KEY_ID": "testing",
        "FAPIAO_S3_SECRET_ACCESS_KEY": "testing",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    blobs.reset()
    try:
        with mock_aws():
            client = boto3.client("s3", region_name="us-east-1")
            client.create_bucket(Bucket=bucket)
            yield client
    finally:
        blobs.reset()


def bucket_objects(client: Any, bucket: str) -> dict[str, bytes]:
    """Every object of the (mocked) bucket: key -> bytes."""
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing
    }


def index_company(company: Company) -> None:
    """Put every invoice of the company in the search index (factories write no index rows)."""
    from fapiao.web.invoices.models import InvoiceRecord
    from fapiao.web.search.services import search_index_invoices

    ids = InvoiceRecord.objects.filter(company=company).values_list("pk", flat=True)
    search_index_invoices(company=company, invoice_ids=list(ids))
