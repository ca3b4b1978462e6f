"""Profile page: name and mobile number."""

from __future__ import annotations

import pytest
from django.test import Client

from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db


def test_profile_page_changes_name_and_mobile(client: Client):
    user = UserFactory()
    login_as(client, user, CompanyFactory(), role="clerk")
    response = client.post(
        "/accounts/profile/", {"full_name": "李四", "mobile": "+86 139-0000-0000"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.profile.mobile == "13900000000"
    assert user.get_full_name() == "李四"
    assert "李四" in client.get("/").content.decode()
