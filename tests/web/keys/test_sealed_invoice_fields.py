"""Sealed invoice fields (地址、电话 · 开户行及账号): nowhere in clear, back exactly, keys enforced.

Each test reads the raw database (every table, through SQL) after a real import or a manual
correction, and then opens the values through the model, the event payloads and the audit page.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from typer.testing import CliRunner

from fapiao import config
from fapiao.cli.main import app
from fapiao.core.crypto.errors import DecryptError, KeyMissingError, KeysError
from fapiao.core.crypto.keyring import Keyring, MasterKey, load_key_file
from fapiao.core.parsing.api import parse_bytes
from fapiao.web.events.chain import chain_verify
from fapiao.web.events.models import Event
from fapiao.web.events.sealing import MARKER, UNREADABLE, payload_open
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.sensitive import SEALED_COLUMNS, sealed_lookup, stored_key_id
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create
from fapiao.web.invoices.services_review import invoice_correct
from fapiao.web.keys.keyring import keyring_reset
from fapiao.web.keys.models import CompanyKey, KeyStatus
from fapiao.web.keys.services_deletion import company_delete, company_shred
from fapiao.web.search.models import SearchEntry
from web.companies.factories import MembershipFactory, UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db
runner = CliRunner()

SAMPLES = config.samples_dir()
XML = SAMPLES / "xml" / "无锡市安协安全培训中心_25322000000365404822_250.00.xml"
OFD = SAMPLES / "ofd" / "zhejiang-legacy-ordinary.ofd"
needs_samples = pytest.mark.skipif(
    not (XML.is_file() and OFD.is_file()),
    reason=f"sample files not found in {SAMPLES} (FAPIAO_SAMPLES_DIR)",
)

XML_SECRETS = ("322000620018170121121", "85409880")
OFD_SECRETS = ("6217993300118475000", "057988222001")
MOBILE = "13912345678"
ACCOUNT = "6216610000012345678"
EDIT = {
    "buyer_address_phone": f"杭州市西湖区文三路 99 号 {MOBILE}",
    "buyer_bank_account": "中国银行杭州分行 6216 6100 0001 2345 678",
}


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(company):
    """A clerk of ``company`` (corrections need a member)."""
    return MembershipFactory(company=company, role="clerk").user


def raw_database_text() -> str:
    """Every row of every table, read with plain SQL (what a stolen database shows)."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def assert_no_plaintext(*secrets: str) -> None:
    raw = raw_database_text()
    digits_only = _digits(raw)
    for secret in secrets:
        assert secret not in raw, secret
        # Not even with the spacing removed (a token is base64, so long digit runs are rare).
        assert _digits(secret) not in digits_only or len(_digits(secret)) < 12, secret


def _import(path: Path, company, user) -> InvoiceRecord:
    content = path.read_bytes()
    result = parse_bytes(content, filename=path.name)
    stored, _ = stored_file_create(company=company, content=content, original_name=path.name)
    record, _ = invoice_save_parsed(
        company=company,
        direction="purchase",
        invoice=result.invoices[0].invoice,
        actor=user,
        stored_file=stored,
        member=result.invoices[0].member,
        file_format=result.format,
    )
    return record


def _expected(path: Path) -> dict[str, str]:
    invoice = parse_bytes(path.read_bytes(), filename=path.name).invoices[0].invoice
    return {
        f"{role}_{name}": getattr(getattr(invoice, role), name) or ""
        for role in ("seller", "buyer")
        for name in ("address_phone", "bank_account")
    }


def _raw_columns(pk: int) -> dict[str, str]:
    columns = sorted(SEALED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM invoices_invoicerecord WHERE id = %s",
            [pk],
        )
        row = cursor.fetchone()
    return dict(zip(columns, row, strict=True))


def _fresh(record: InvoiceRecord) -> dict[str, str]:
    again = InvoiceRecord.objects.get(pk=record.pk)
    return {column: getattr(again, column) for column in SEALED_COLUMNS}


@needs_samples
def test_a_real_import_and_a_correction_leave_no_plaintext_anywhere(
    company, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # search index too
        xml, ofd = _import(XML, company, user), _import(OFD, company, user)
        invoice_correct(record=xml, actor=user, changes=EDIT)
    assert callbacks
    assert SearchEntry.objects.filter(pk=xml.pk).exists()

    assert_no_plaintext(*XML_SECRETS, *OFD_SECRETS, MOBILE, ACCOUNT)
    raw = _raw_columns(xml.pk)
    assert all(value.count("~") == 2 and "~f1." in value for value in raw.values())
    # Back bit for bit through the model.
    assert _fresh(ofd) == _expected(OFD)
    assert _fresh(xml) == {**_expected(XML), **EDIT}
    # The events quote the values sealed, and open for the company; the chain holds.
    corrected = Event.objects.get(company=company, action="invoice.corrected")
    assert set(corrected.after) >= set(EDIT)
    assert all(set(corrected.after[c]) == {MARKER} for c in EDIT)
    assert {c: corrected.after_shown[c] for c in EDIT} == EDIT
    created = Event.objects.get(company=company, action="invoice.created", object_id=str(xml.pk))
    assert created.after_shown["seller_bank_account"] == _expected(XML)["seller_bank_account"]
    assert chain_verify(company.pk).ok
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


@needs_samples
def test_a_disagreeing_reading_quotes_only_the_last_digits(company, user):
    record = _import(XML, company, user)
    invoice_correct(record=record, actor=user, changes={"seller_bank_account": "某银行 1234567890"})
    _import(XML, company, user)  # the XML (less trusted than manual) disagrees
    findings = InvoiceRecord.objects.get(pk=record.pk).findings
    disagreement = next(f for f in findings if f["code"] == "merge.disagreement")
    assert disagreement["field"] == "seller.bank_account"
    assert "…7890" in disagreement["message"]
    assert "…1121" in disagreement["message"]
    assert_no_plaintext(*XML_SECRETS, "1234567890")


def test_a_wrong_or_missing_master_key_refuses_clearly(company, user, key_file):
    record = InvoiceRecordFactory(company=company, seller_bank_account=f"工行 {ACCOUNT}")
    key_file.write_text(Keyring([MasterKey.generate("k1")]).to_text() + "\n")
    keyring_reset()
    with pytest.raises(DecryptError) as wrong:
        _ = InvoiceRecord.objects.get(pk=record.pk).seller_bank_account
    assert wrong.value.code == "keys.decrypt_failed"
    assert "seller_bank_account" in wrong.value.message
    assert "master key" in wrong.value.message_en
    key_file.unlink()
    keyring_reset()
    with pytest.raises(KeyMissingError) as missing:
        _ = InvoiceRecord.objects.get(pk=record.pk).seller_bank_account
    assert missing.value.code == "keys.missing"


def test_a_value_moved_to_another_company_or_column_does_not_open(company, other_company):
    mine = InvoiceRecordFactory(company=company, seller_bank_account=f"工行 {ACCOUNT}")
    theirs = InvoiceRecordFactory(company=other_company)
    stolen = _raw_columns(mine.pk)["seller_bank_account"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoicerecord SET seller_bank_account = %s WHERE id = %s",
            [stolen, theirs.pk],
        )
        cursor.execute(
            "UPDATE invoices_invoicerecord SET buyer_bank_account = %s WHERE id = %s",
            [stolen, mine.pk],
        )
    with pytest.raises(DecryptError):
        _ = InvoiceRecord.objects.get(pk=theirs.pk).seller_bank_account
    with pytest.raises(DecryptError, match="buyer_bank_account"):
        _ = InvoiceRecord.objects.get(pk=mine.pk).buyer_bank_account


def test_plaintext_cannot_reach_the_column_by_update(company):
    record = InvoiceRecordFactory(company=company)
    with pytest.raises(ValueError, match="sealed"), transaction.atomic():
        InvoiceRecord.objects.filter(pk=record.pk).update(buyer_bank_account=ACCOUNT)
    InvoiceRecord.objects.filter(pk=record.pk).update(buyer_bank_account="")  # clearing is fine


def test_equal_numbers_are_found_by_blind_index_only_in_their_company(company, other_company):
    a = InvoiceRecordFactory(company=company, seller_bank_account=f"工行西湖支行 {ACCOUNT}")
    b = InvoiceRecordFactory(
        company=company, seller_bank_account=f"工商银行 {ACCOUNT[:4]}-{ACCOUNT[4:]}"
    )
    InvoiceRecordFactory(company=company, seller_bank_account="工行 6216610000099999999")
    InvoiceRecordFactory(company=other_company, seller_bank_account=f"工行 {ACCOUNT}")
    found = InvoiceRecord.objects.filter(sealed_lookup("seller_bank_account", company.pk, ACCOUNT))
    assert set(found) == {a, b}
    raw_a, raw_b = (_raw_columns(r.pk)["seller_bank_account"] for r in (a, b))
    assert raw_a.split("~")[0] == raw_b.split("~")[0]  # same index
    assert raw_a.split("~")[2] != raw_b.split("~")[2]  # different tokens


def test_master_and_company_rotation_keep_every_value_readable(company, user, key_file):
    record = InvoiceRecordFactory(company=company, buyer_bank_account=f"中行 {ACCOUNT}")
    invoice_correct(record=record, actor=user, changes=EDIT)
    old_key = stored_key_id(_raw_columns(record.pk)["buyer_bank_account"])

    assert runner.invoke(app, ["keys", "rotate"]).exit_code == 0
    keyring_reset()
    assert _fresh(record)["buyer_bank_account"] == EDIT["buyer_bank_account"]

    result = runner.invoke(app, ["keys", "rotate", "--company", str(company.pk)])
    assert result.exit_code == 0, result.output
    keyring = load_key_file(key_file)
    key_file.write_text(keyring.without("k1").without("k2").to_text() + "\n")
    keyring_reset()
    raw = _raw_columns(record.pk)
    assert stored_key_id(raw["buyer_bank_account"]) not in (None, old_key)
    assert not CompanyKey.objects.filter(key_id=old_key).exists()
    assert _fresh(record) == {
        "seller_address_phone": "",
        "seller_bank_account": "",
        **EDIT,
    }
    found = InvoiceRecord.objects.filter(sealed_lookup("buyer_bank_account", company.pk, ACCOUNT))
    assert list(found) == [record]
    corrected = Event.objects.get(company=company, action="invoice.corrected")
    assert corrected.before_shown["buyer_bank_account"] == f"中行 {ACCOUNT}"
    assert Event.objects.filter(company=company, action="key.fields_resealed").exists()
    assert CompanyKey.objects.filter(company=company, status=KeyStatus.AUDIT).count() == 1
    assert chain_verify(company.pk).ok
    assert_no_plaintext(MOBILE, ACCOUNT)


def test_retired_keys_stay_while_a_field_still_needs_them(company, user, monkeypatch):
    from fapiao.web.keys import services as key_services

    record = InvoiceRecordFactory(company=company, seller_bank_account=f"工行 {ACCOUNT}")
    key_services.data_key_rotate(company=company)
    monkeypatch.setattr(
        "fapiao.web.invoices.services_sensitive.invoice_fields_reencrypt",
        lambda **kwargs: 0,
    )
    with pytest.raises(KeysError, match="retired"):
        key_services.data_keys_retired_delete(company=company)
    assert CompanyKey.objects.filter(company=company, status=KeyStatus.RETIRED).exists()
    assert _fresh(record)["seller_bank_account"] == f"工行 {ACCOUNT}"


def test_crypto_shredding_makes_fields_and_event_values_unreadable(company, user):
    login = UserFactory()
    login.set_password("Pw-123456!x")
    login.save()
    MembershipFactory(company=company, user=login, role="admin")
    record = InvoiceRecordFactory(company=company, seller_bank_account=f"工行 {ACCOUNT}")
    invoice_correct(record=record, actor=user, changes=EDIT)
    company_delete(company=company, actor=login, password="Pw-123456!x")
    company_shred(company=company, actor=login, password="Pw-123456!x")
    with pytest.raises(DecryptError):
        _ = InvoiceRecord.objects.get(pk=record.pk).seller_bank_account
    event = Event.objects.get(company=company, action="invoice.corrected")
    assert event.after_shown["buyer_bank_account"] == UNREADABLE
    with pytest.raises(DecryptError):
        payload_open(company.pk, event.after, strict=True)
    assert chain_verify(company.pk).ok  # the chain never needed a key
    assert_no_plaintext(MOBILE, ACCOUNT)


def test_the_audit_page_and_export_show_values_to_the_company_only(
    client, company, other_company, user
):
    record = InvoiceRecordFactory(company=company)
    invoice_correct(record=record, actor=user, changes=EDIT)
    login_as(client, UserFactory(), company, "viewer")
    page = client.get(reverse("events:list")).content.decode()
    assert MOBILE in page
    detail = client.get(reverse("invoices:detail", args=[record.pk])).content.decode()
    assert MOBILE in detail
    export = client.get(reverse("events:export"))
    assert export.status_code == 200
    login_as(client, UserFactory(), other_company, "admin")
    assert MOBILE not in client.get(reverse("events:list")).content.decode()


def test_the_migration_seals_values_stored_in_clear(company):
    record = InvoiceRecordFactory(company=company)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoices_invoicerecord SET seller_bank_account = %s, buyer_address_phone = %s"
            " WHERE id = %s",
            [f"工行 {ACCOUNT}", MOBILE, record.pk],
        )
    migration = importlib.import_module("fapiao.web.invoices.migrations.0004_sealed_fields")
    migration.seal_existing(apps, None)
    migration.seal_existing(apps, None)  # idempotent
    raw = _raw_columns(record.pk)
    assert ACCOUNT not in raw["seller_bank_account"]
    assert "~f1." in raw["seller_bank_account"]
    assert MOBILE not in raw["buyer_address_phone"]
    fresh = _fresh(record)
    assert (fresh["seller_bank_account"], fresh["buyer_address_phone"]) == (
        f"工行 {ACCOUNT}",
        MOBILE,
    )


def test_saving_an_unchanged_value_keeps_its_stored_form(company):
    record = InvoiceRecordFactory(company=company, seller_bank_account=f"工行 {ACCOUNT}")
    before = _raw_columns(record.pk)["seller_bank_account"]
    again = InvoiceRecord.objects.get(pk=record.pk)
    assert again.seller_bank_account == f"工行 {ACCOUNT}"  # opened
    again.save()
    assert _raw_columns(record.pk)["seller_bank_account"] == before
    again.seller_bank_account = f"中行 {ACCOUNT}"
    again.save()
    after = _raw_columns(record.pk)["seller_bank_account"]
    assert after != before
    assert _fresh(record)["seller_bank_account"] == f"中行 {ACCOUNT}"
