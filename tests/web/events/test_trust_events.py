"""Operations that the Trust issue requires in the trail: backups (system chain)."""

from __future__ import annotations

import pytest

from fapiao.web.events.chain import chain_verify
from fapiao.web.events.models import Event
from fapiao.web.ops.services import backup_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_is_an_event_on_the_system_chain(tmp_path):
    backup_create(out=tmp_path / "trail.fapiao-backup")
    event = Event.objects.get(action="backup.created")
    assert event.company_id is None
    assert event.after == {"archive": "trail.fapiao-backup"}
    assert chain_verify(None).ok
