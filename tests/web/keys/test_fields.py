"""Sensitive fields (身份证号, 手机号): sealed in the raw database, found by blind index."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from fapiao.web.accounts.models import Profile
from fapiao.web.accounts.services import profile_update, user_register
from fapiao.web.events.models import Event
from fapiao.web.keys.fields import mask

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"
ID_NUMBER = "11010519491231002X"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _register(email="wang.wu@example.cn", mobile=MOBILE, id_number=ID_NUMBER):
    return user_register(
        full_name="王五", mobile=mobile, email=email, password="Pw-123456!x", id_number=id_number
    )


def _raw(user_id: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile, id_number FROM accounts_profile WHERE user_id = %s", [user_id]
        )
        row = cursor.fetchone()
    return str(row[0]), str(row[1])


def _all_events_text() -> str:
    return " ".join(str((e.before, e.after)) for e in Event.objects.all())


def test_the_raw_database_holds_no_plaintext_and_the_model_reads_it_back():
    user = _register()
    mobile, id_number = _raw(user.pk)
    for raw in (mobile, id_number):
        assert MOBILE not in raw
        assert ID_NUMBER not in raw
        assert "5678" not in raw.split("~", 1)[0]
    assert "~f1." in mobile
    profile = Profile.objects.get(user=user)
    assert (profile.mobile, profile.id_number) == (MOBILE, ID_NUMBER)
    assert MOBILE not in _all_events_text()
    assert mask(MOBILE) in _all_events_text()


def test_equal_values_seal_differently_but_share_a_blind_index():
    first, second = _register(), _register(email="zhao.liu@example.cn")
    a, b = _raw(first.pk)[0], _raw(second.pk)[0]
    assert a != b
    assert a.split("~")[0] == b.split("~")[0]


def test_exact_lookup_through_the_blind_index_normalises_the_value():
    user = _register()
    _register(email="other@example.cn", mobile="13800000000", id_number="")
    field = Profile._meta.get_field("mobile")
    for typed in (MOBILE, "+86 139 1234 5678", "0086-139-1234-5678", "１３９１２３４５６７８"):
        assert list(Profile.objects.filter(field.lookup(typed))) == [user.profile]
    id_field = Profile._meta.get_field("id_number")
    assert Profile.objects.filter(id_field.lookup(ID_NUMBER.lower())).get().user == user
    assert not Profile.objects.filter(field.lookup("13900000000")).exists()


def test_a_profile_update_is_sealed_and_recorded_masked():
    user = _register()
    profile_update(user=user, full_name="王五", mobile="13711112222")
    assert "13711112222" not in _raw(user.pk)[0]
    assert Profile.objects.get(user=user).mobile == "13711112222"
    event = Event.objects.get(action="account.profile_updated")
    assert event.before["mobile"] == mask(MOBILE)
    assert event.after["mobile"] == "137****2222"


def test_empty_values_stay_empty():
    user = _register(id_number="")
    assert _raw(user.pk)[1] == ""
    assert Profile.objects.get(user=user).id_number == ""


def test_the_migration_seals_values_stored_in_clear():
    user = _register()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_profile SET mobile = %s, id_number = %s WHERE user_id = %s",
            [MOBILE, ID_NUMBER, user.pk],
        )
    assert Profile.objects.get(user=user).mobile == MOBILE  # legacy plaintext still reads
    migration = importlib.import_module("fapiao.web.accounts.migrations.0002_encrypted_profile")
    migration.seal_existing(apps, None)
    assert MOBILE not in _raw(user.pk)[0]
    assert ID_NUMBER not in _raw(user.pk)[1]
    assert Profile.objects.get(user=user).id_number == ID_NUMBER
