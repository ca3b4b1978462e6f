"""Feedback: submitted from any page; admins of the company see it and change its status."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.feedback.models import Feedback, Status
from fapiao.web.feedback.services import TransitionError, feedback_status_change, feedback_submit
from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("shot.png", buffer.getvalue(), content_type="image/png")


def test_submit_with_screenshot_and_admin_sees_it(client: Client):
    company = CompanyFactory()
    clerk, admin = UserFactory(), UserFactory()
    login_as(client, clerk, company, role="clerk")
    response = client.post(
        "/feedback/",
        {"category": "bug", "text": "上传后页面空白", "page": "/companies/", "screenshot": _png()},
    )
    assert response.headers["Location"] == "/companies/"
    feedback = Feedback.objects.get()
    assert (feedback.company, feedback.author, feedback.status) == (company, clerk, "new")
    assert feedback.screenshot.name.startswith("feedback/")
    assert client.get("/feedback/list/").status_code == 403
    login_as(client, admin, company, role="admin")
    html = client.get("/feedback/list/").content.decode()
    assert "上传后页面空白" in html
    screenshot = client.get(f"/feedback/{feedback.pk}/screenshot/")
    assert screenshot.status_code == 200
    assert screenshot.content.startswith(b"\x89PNG")
    client.post(f"/feedback/{feedback.pk}/status/", {"status": "in_progress"})
    feedback.refresh_from_db()
    assert feedback.status == Status.IN_PROGRESS
    assert Event.objects.filter(company=company, action="feedback.status_changed").count() == 1


def test_not_an_image_is_refused(client: Client):
    login_as(client, UserFactory(), CompanyFactory(), role="clerk")
    fake = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    response = client.post("/feedback/", {"category": "bug", "text": "x", "screenshot": fake})
    assert "screenshot" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_other_company_feedback_is_404(client: Client):
    mine, foreign = CompanyFactory(), CompanyFactory()
    foreign_feedback = feedback_submit(
        company=foreign, author=UserFactory(), category="question", text="别家的问题"
    )
    login_as(client, UserFactory(), mine, role="admin")
    assert "别家的问题" not in client.get("/feedback/list/").content.decode()
    response = client.post(f"/feedback/{foreign_feedback.pk}/status/", {"status": "done"})
    assert response.status_code == 404
    assert client.get(f"/feedback/{foreign_feedback.pk}/screenshot/").status_code == 404
    foreign_feedback.refresh_from_db()
    assert foreign_feedback.status == Status.NEW


def test_system_feedback_only_for_staff(client: Client):
    author = UserFactory()
    feedback = feedback_submit(company=None, author=author, category="other", text="系统问题")
    login_as(client, UserFactory(), CompanyFactory(), role="admin")
    assert client.get("/feedback/list/?scope=system").status_code == 403
    staff = UserFactory(is_staff=True)
    login_as(client, staff)
    assert "系统问题" in client.get("/feedback/list/?scope=system").content.decode()
    client.post(f"/feedback/{feedback.pk}/status/", {"status": "done", "scope": "system"})
    feedback.refresh_from_db()
    assert feedback.status == Status.DONE


def test_status_transitions():
    feedback = feedback_submit(
        company=CompanyFactory(), author=UserFactory(), category="bug", text="x"
    )
    actor = UserFactory()
    with pytest.raises(TransitionError):
        feedback_status_change(feedback=feedback, status=Status.NEW, actor=actor)
    feedback = feedback_status_change(feedback=feedback, status=Status.DONE, actor=actor)
    with pytest.raises(TransitionError):
        feedback_status_change(feedback=feedback, status=Status.NEW, actor=actor)
    assert feedback_status_change(feedback=feedback, status="in_progress", actor=actor).status == (
        Status.IN_PROGRESS
    )


def test_viewer_without_admin_role_gets_403_on_list(client: Client):
    login_as(client, UserFactory(), CompanyFactory(), role=Role.VIEWER)
    assert client.get("/feedback/list/").status_code == 403
