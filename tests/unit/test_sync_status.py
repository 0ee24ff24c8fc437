"""The sync item of the PC status (services/pc_status.sync_status) and its words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from counter_app.services import pc_status
from counter_app.services.sync_port import SyncState
from counter_app.ui.pc_status_bar import item_text, item_tooltip

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def test_an_offline_pc_says_since_when_and_how_many_changes_wait(vi: None) -> None:
    state = SyncState(enrolled=True, server_url="http://s", centre_id="c-tinh", device_id="d", waiting=7,
                      oldest_waiting_at=NOW - timedelta(hours=3), offline_since=NOW - timedelta(minutes=90),
                      last_error="sync.offline", last_error_detail="ConnectError: refused")
    item = pc_status.sync_status(state, NOW)
    assert (item.key, item.state, item.code) == (pc_status.SYNC, pc_status.ERROR, pc_status.SYNC_OFFLINE_NOW)
    assert item_text(item) == "✖ Đồng bộ: mất kết nối từ 08:30, 7 chờ gửi"
    tip = item_tooltip(item)
    assert "Mất kết nối từ 08:30:00 07/12/2026" in tip
    assert "Số thay đổi chờ gửi: 7" in tip and "3 giờ trước" in tip
    assert "Không kết nối được máy chủ" in tip


def test_a_revoked_pc_is_refused_in_words_and_a_working_one_is_online(vi: None) -> None:
    revoked = SyncState(enrolled=True, last_error="server.device_revoked", last_contact_at=NOW,
                        offline_since=NOW)
    item = pc_status.sync_status(revoked, NOW)
    assert item.code == pc_status.SYNC_REFUSED and item_text(item) == "✖ Đồng bộ: bị từ chối, 0 chờ gửi"
    assert "đã bị thu hồi" in item_tooltip(item)
    online = pc_status.sync_status(SyncState(enrolled=True, last_contact_at=NOW, last_push_at=NOW), NOW)
    assert online.state == pc_status.OK and item_text(online) == "● Đồng bộ"
    assert "Đang kết nối" in item_tooltip(online)
    waiting = pc_status.sync_status(SyncState(enrolled=True, last_contact_at=NOW, waiting=2), NOW)
    assert item_text(waiting) == "● Đồng bộ: 2 chờ gửi"
    alone = pc_status.sync_status(SyncState(enrolled=False), NOW)
    assert alone.state == pc_status.OFF and "chưa đăng ký" in item_text(alone)
