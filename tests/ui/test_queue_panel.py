"""Counter queue panel: call, recall, no-show, transfer, serve, walk-in, pause — and the whole path to the rating."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from counter_app.services.queue_port import CallView, TicketStatus, TicketView
from counter_app.services.read_models import StaffSession
from counter_app.ui.display import HallDisplayWindow
from counter_app.ui.kiosk import KioskWindow
from counter_app.ui.kpi_panel import KpiDialog
from counter_app.ui.queue_panel import NumberDialog, QueuePanel, TransferDialog
from counter_app.ui.rating import RatingPadWindow
from tests.fakes import FakeCounterAppServices
from tests.fakes_queue import QueueStand, queue_stand, with_queue


@pytest.fixture(params=["fake", "real"])
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    return queue_stand(request, tmp_path)


def make_panel(qtbot: QtBot, stand: QueueStand, session: StaffSession | None = None) -> QueuePanel:
    panel = QueuePanel(
        stand.queue, session or stand.session, stand.counter,
        counters=lambda: stand.counters, events=stand.events,
    )
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: not panel._refreshing)
    return panel


def settle(qtbot: QtBot, panel: QueuePanel) -> None:
    qtbot.waitUntil(lambda: not panel.is_busy())


def test_buttons_show_their_keys(qtbot: QtBot, stand: QueueStand) -> None:
    panel = make_panel(qtbot, stand)
    texts = {key: button.text() for key, button in panel.buttons.items()}
    assert texts["call_next"] == "Gọi số tiếp theo\nF5"
    assert texts["recall"] == "Gọi lại\nF6"
    assert texts["start"] == "Bắt đầu phục vụ\nF7"
    assert texts["finish"] == "Kết thúc\nF8"
    assert texts["no_show"] == "Vắng mặt\nF9"
    assert texts["transfer"] == "Chuyển…\nF11"
    assert all(text.split("\n")[1] for text in texts.values())  # every button shows its key
    assert not panel.buttons["kpis"].isVisibleTo(panel)  # a clerk does not see the figures


def test_a_call_when_nothing_waits_says_so(qtbot: QtBot, stand: QueueStand) -> None:
    panel = make_panel(qtbot, stand)
    assert panel.waiting_label.text() == "Không còn ai chờ"

    panel.call_next()
    settle(qtbot, panel)

    assert panel.status_label.text() == "Không còn ai chờ"
    assert panel.number_label.text() == "—"
    assert panel.current_ticket() is None


def test_f5_calls_the_next_number_and_tells_the_display(qtbot: QtBot, stand: QueueStand) -> None:
    [ticket] = stand.issue()
    panel = make_panel(qtbot, stand)
    qtbot.waitUntil(lambda: panel.waiting_label.text() == "Đang chờ: 1")
    panel.activateWindow()
    qtbot.waitActive(panel)

    with qtbot.waitSignal(stand.events.sig_called) as called:
        qtbot.keyClick(panel, Qt.Key.Key_F5)
    settle(qtbot, panel)

    call = called.args[0]
    assert isinstance(call, CallView)
    assert (call.ticket_number, call.counter_number, call.recall) == (ticket.number, stand.counter.number, False)
    current = panel.current_ticket()
    assert current is not None and current.number == ticket.number and current.status is TicketStatus.CALLED
    assert panel.number_label.text() == ticket.number
    assert panel.status_label.text() == "Đã mời — công dân đang đến quầy"
    qtbot.waitUntil(lambda: panel.waiting_label.text() == "Không còn ai chờ")
    assert panel.enabled_commands() >= {"recall", "start", "finish", "no_show", "transfer"}
    assert "call_next" not in panel.enabled_commands()


def test_a_key_that_does_not_fit_says_why(qtbot: QtBot, stand: QueueStand) -> None:
    panel = make_panel(qtbot, stand)
    panel.activateWindow()
    qtbot.waitActive(panel)

    qtbot.keyClick(panel, Qt.Key.Key_F7)

    assert panel.message_label.text() == "Chưa có số nào ở quầy này. Hãy gọi số trước (F5)."
    [ticket] = stand.issue()
    panel.call_next()
    settle(qtbot, panel)
    panel.call_next()
    assert panel.message_label.text().startswith(f"Số {ticket.number} vẫn đang ở quầy này.")


def test_recall_then_no_show_then_bring_back(qtbot: QtBot, stand: QueueStand) -> None:
    [ticket] = stand.issue()
    panel = make_panel(qtbot, stand)
    panel.call_next()
    settle(qtbot, panel)

    with qtbot.waitSignal(stand.events.sig_called) as recalled:
        panel.recall()
    settle(qtbot, panel)
    assert recalled.args[0].recall and recalled.args[0].ticket_number == ticket.number

    panel.no_show()
    settle(qtbot, panel)
    assert panel.current_ticket() is None
    assert panel.message_label.text().startswith(f"Số {ticket.number} đã được ghi vắng mặt.")

    stand.advance(timedelta(minutes=2))
    with qtbot.waitSignal(stand.events.sig_called):
        panel.reactivate(ticket.number.lower())
    settle(qtbot, panel)
    current = panel.current_ticket()
    assert current is not None and current.number == ticket.number


def test_transfer_to_another_line(qtbot: QtBot, stand: QueueStand) -> None:
    [ticket] = stand.issue(line_index=0)
    lines = stand.lines()
    panel = make_panel(qtbot, stand)
    panel.call_next()
    settle(qtbot, panel)

    panel.transfer(to_line_id=lines[1].id)
    settle(qtbot, panel)

    assert panel.current_ticket() is None
    assert panel.message_label.text().startswith(f"Số {ticket.number} đã được chuyển sang")
    waiting = {line.id: line.waiting for line in stand.lines()}
    assert waiting[lines[1].id] == lines[1].waiting + 1


def test_transfer_to_another_counter_waits_for_that_counter(qtbot: QtBot, stand: QueueStand) -> None:
    [ticket] = stand.issue()
    panel = make_panel(qtbot, stand)
    panel.call_next()
    settle(qtbot, panel)

    panel.transfer(to_counter_id=stand.other_counter().id)
    settle(qtbot, panel)

    assert panel.current_ticket() is None
    panel.call_next()  # not for this counter any more
    settle(qtbot, panel)
    assert panel.status_label.text() == "Không còn ai chờ"
    moved = stand.queue.call_next(stand.other_counter().id, stand.session.staff_id)
    assert moved is not None and moved.number == ticket.number


def test_start_and_finish_link_the_dossier(qtbot: QtBot, stand: QueueStand) -> None:
    [ticket] = stand.issue()
    panel = make_panel(qtbot, stand)
    panel.call_next()
    settle(qtbot, panel)
    panel.start_service()
    settle(qtbot, panel)
    assert panel.status_label.text() == "Đang phục vụ"

    # The real queue links only a dossier that exists in the store; the demo template has none.
    code = "000.00.06.H27-261130-0001" if stand.fake is not None else ""
    with qtbot.waitSignal(stand.events.sig_finished) as finished:
        panel.finish_service(dossier_code=code)
    settle(qtbot, panel)

    done = finished.args[0]
    assert isinstance(done, TicketView)
    assert done.number == ticket.number and done.dossier_code == code
    assert panel.current_ticket() is None
    assert panel.number_label.text() == "—"


def test_finish_without_start_still_counts_the_service(qtbot: QtBot, stand: QueueStand) -> None:
    stand.issue()
    panel = make_panel(qtbot, stand)
    panel.call_next()
    settle(qtbot, panel)

    with qtbot.waitSignal(stand.events.sig_finished) as finished:
        panel.finish_service()
    settle(qtbot, panel)

    assert finished.args[0].status is TicketStatus.DONE


def test_a_finish_that_fails_after_the_start_leaves_the_ticket_called(
    qtbot: QtBot, stand: QueueStand, monkeypatch: pytest.MonkeyPatch
) -> None:
    if stand.fake is not None:
        pytest.skip("the store's transaction is what is tested")
    from counter_app.storage.queue_repo import SqlQueueRepository

    [ticket] = stand.issue()
    panel = make_panel(qtbot, stand)
    panel.call_next()
    settle(qtbot, panel)

    def broken(self: SqlQueueRepository, state: object, at: object) -> None:  # after the start step
        raise OSError("disk I/O error")

    monkeypatch.setattr(SqlQueueRepository, "save_counter_state", broken)
    panel.finish_service()
    settle(qtbot, panel)
    monkeypatch.undo()

    assert panel.message_label.property("tone") == "error"
    current = stand.queue.current_ticket(stand.counter.id)
    assert current is not None and current.id == ticket.id
    assert current.status is TicketStatus.CALLED  # not "serving": start and finish are one transaction
    with qtbot.waitSignal(stand.events.sig_finished) as finished:
        panel.finish_service()  # the clerk tries again, and it is done
    settle(qtbot, panel)
    assert finished.args[0].status is TicketStatus.DONE and stand.queue.current_ticket(stand.counter.id) is None


def test_the_figures_refused_by_the_service_say_why(qtbot: QtBot, stand: QueueStand) -> None:
    dialog = KpiDialog(stand.queue, stand.station.centre_id, stand.clerk.staff_id)
    qtbot.addWidget(dialog)

    dialog.show()

    qtbot.waitUntil(lambda: dialog.updated_label.text() != "")
    assert dialog.kpis is None
    assert dialog.updated_label.text() == (
        "Chưa cập nhật được số liệu: Tài khoản này không được xem số liệu hàng đợi. Hãy nhờ cán bộ giám sát.")
    dialog.close()


def test_walk_in_is_served_at_once(qtbot: QtBot, stand: QueueStand) -> None:
    panel = make_panel(qtbot, stand)
    line = stand.lines()[0]

    panel.walk_in(line.id)
    settle(qtbot, panel)

    current = panel.current_ticket()
    assert current is not None and current.status is TicketStatus.SERVING
    assert panel.message_label.text().startswith("Đã ghi nhận công dân không lấy số")


def test_a_paused_counter_calls_nobody(qtbot: QtBot, stand: QueueStand) -> None:
    stand.issue()
    panel = make_panel(qtbot, stand)

    panel.set_paused(True)
    settle(qtbot, panel)
    assert panel.buttons["pause"].text() == "Mở lại quầy\nCtrl+F12"
    assert panel.enabled_commands() == {"pause"}
    panel.call_next()
    assert panel.message_label.text() == "Quầy đang tạm dừng. Hãy mở lại quầy trước (Ctrl+F12)."

    panel.set_paused(False)
    settle(qtbot, panel)
    panel.call_next()
    settle(qtbot, panel)
    assert panel.current_ticket() is not None


def test_a_refused_action_shows_the_reason(qtbot: QtBot, stand: QueueStand) -> None:
    if stand.fake is None:
        pytest.skip("the fake can fail on demand")
    panel = make_panel(qtbot, stand)
    stand.fake.fail_next = OSError("disk full")

    panel.call_next()
    settle(qtbot, panel)

    assert panel.message_label.text() == "Không kết nối được với hàng đợi. Chi tiết đã được ghi vào nhật ký."
    assert "call_next" in panel.enabled_commands()


def test_the_dialogs_give_back_what_was_chosen(qtbot: QtBot, stand: QueueStand) -> None:
    number = NumberDialog("Gọi số", "Số:", "Gọi", "a012")
    qtbot.addWidget(number)
    assert number.number() == "A012"
    lines = stand.lines()
    transfer = TransferDialog(lines, [stand.other_counter()])
    qtbot.addWidget(transfer)
    assert transfer.target() == (lines[0].id, None)
    transfer.counter_radio.setChecked(True)
    assert transfer.target() == (None, stand.other_counter().id)


def test_a_supervisor_sees_the_live_figures(qtbot: QtBot, stand: QueueStand) -> None:
    supervisor = stand.supervisor
    issued_before = stand.queue.kpis(stand.station.centre_id, supervisor.staff_id).issued
    stand.issue(2)
    panel = make_panel(qtbot, stand, supervisor)
    assert panel.buttons["kpis"].isVisibleTo(panel)

    panel.open_kpis()

    dialog = panel._kpi_dialog
    assert isinstance(dialog, KpiDialog)
    qtbot.waitUntil(lambda: dialog.kpis is not None)
    assert dialog.value_labels["issued"].text() == str(issued_before + 2)
    assert dialog.updated_label.text().startswith("Cập nhật lúc ")
    dialog.close()


def test_the_counter_window_docks_the_panel_when_there_is_a_queue(qtbot: QtBot, tmp_path: Path) -> None:
    from counter_app.ui.main_window import CounterContext, CounterWindow

    plain = FakeCounterAppServices(tmp_path / "plain")
    session, counter = plain.demo_session()
    without = CounterWindow(CounterContext(plain, session, counter))
    qtbot.addWidget(without)
    assert without.queue_panel is None

    services = with_queue(FakeCounterAppServices(tmp_path / "queue"))
    window = CounterWindow(CounterContext(services, session, counter))
    qtbot.addWidget(window)
    assert isinstance(window.queue_panel, QueuePanel)
    dock = window.findChild(QDockWidget, "queueDock")
    assert dock is not None and dock.widget() is window.queue_panel
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_kiosk_to_counter_to_display_to_rating(qtbot: QtBot, stand: QueueStand) -> None:
    """The whole path of one citizen through the real widgets, on one event bus."""
    kiosk = KioskWindow(stand.queue, stand.station, printer=stand.printer, now=stand.now, events=stand.events)
    display = HallDisplayWindow(
        stand.queue, stand.station, stand.counters, announcer=stand.announcer, now=stand.now,
        events=stand.events, poll=False,
    )
    rating = RatingPadWindow(stand.queue, stand.counter.id, stand.counter.number, events=stand.events, poll=False)
    panel = make_panel(qtbot, stand)
    for window in (kiosk, display, rating):
        qtbot.addWidget(window)
        window.show()

    # the citizen takes a number
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES))
    if kiosk.current_step() == KioskWindow.GROUPS:
        qtbot.mouseClick(kiosk.tiles()[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.tiles()[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.no_priority_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.current_ticket() is not None)
    ticket = kiosk.current_ticket()
    assert ticket is not None
    qtbot.waitUntil(lambda: panel.waiting_label.text() != "Không còn ai chờ")

    # the counter calls; the hall display shows it at this counter and says it
    qtbot.mouseClick(panel.buttons["call_next"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: display.hero_text()[0] == ticket.number)
    assert display.hero_text() == (ticket.number, f"đến quầy số {stand.counter.number}")
    assert display.led_panel.number_at(stand.counter.number) == ticket.number
    assert display.last_calls_text()[0] == f"{ticket.number}  →  quầy {stand.counter.number}"
    assert stand.announcer.calls == [(ticket.number, stand.counter.number, False)]

    # served and finished; the pad at this counter asks, the citizen rates
    qtbot.mouseClick(panel.buttons["start"], Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    qtbot.mouseClick(panel.buttons["finish"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rating.current_step() == RatingPadWindow.RATE)
    assert rating.rate_prompt_label.text() == f"Bạn đánh giá thế nào về việc phục vụ số {ticket.number}?"
    qtbot.mouseClick(rating.level_buttons[5], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(rating.reason_buttons[0], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(rating.sig_rated) as rated:
        qtbot.mouseClick(rating.send_button, Qt.MouseButton.LeftButton)

    rated_ticket, level, reason = rated.args
    assert (rated_ticket.number, level, reason) == (ticket.number, 5, "Phục vụ nhanh")
    assert rating.current_step() == RatingPadWindow.THANKS
    if stand.fake is not None:
        assert stand.fake.ratings == [(rated_ticket.id, 5, "Phục vụ nhanh")]
