"""The Reports screen (issue 13): a supervisor's reports on the real demo store with generated history,
charts drawn from the same figures, Cancel that stops the service, exports read back."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.domain.errors import DomainError
from counter_app.services.read_models import StaffSession
from counter_app.services.reports import Period, ReportFilters
from counter_app.ui.charts import heat_colour
from counter_app.ui.main_window import CounterContext, CounterWindow
from counter_app.ui.reports_page import ReportsPage, cell_text, quick_period
from tests.report_history import generate

WAIT_MS = 20_000
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME)
SUPERVISOR = StaffSession("s-gsat01", "gsat01", "Lê Thị Thu Hà", "supervisor", "c-tinh", "")


@pytest.fixture
def history(demo_data_dir: Path) -> Path:
    generate(demo_data_dir, dossiers=300, days=60, start=datetime(2026, 10, 1, tzinfo=VIETNAM_TIME),
             tickets_per_day=8, now=NOW)
    return demo_data_dir


@pytest.fixture
def store(history: Path, clock: Any) -> Any:
    from counter_app.bootstrap import open_services

    return open_services(history, clock=clock)


class _Slow:
    """The real services, but every cancellation check of the report service takes a while (a big store)."""

    def __init__(self, real: Any, pause: float = 0.3) -> None:
        self._real, self._pause = real, pause
        self.checks = 0
        self.checks_after_cancel = 0
        self.outcome: BaseException | None = None
        self.cancel_seen = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def run_report(self, name: str, period: Any, filters: Any, *, staff_id: str, cancelled: Any = None) -> Any:
        def slow() -> bool:
            self.checks += 1
            time.sleep(self._pause)
            answer = bool(cancelled())
            if answer:
                self.checks_after_cancel += 1
                self.cancel_seen.set()
            return answer

        try:
            return self._real.run_report(name, period, filters, staff_id=staff_id, cancelled=slow)
        except BaseException as exc:
            self.outcome = exc
            raise


def _window(qtbot: QtBot, services: Any, session: StaffSession = SUPERVISOR) -> CounterWindow:
    counter = next(c for c in services.counters(session.centre_id))
    window = CounterWindow(CounterContext(services, session, counter), idle_lock_minutes=None)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _reports(qtbot: QtBot, window: CounterWindow) -> ReportsPage:
    page = window.show_page("reports")
    assert isinstance(page, ReportsPage)
    qtbot.waitUntil(lambda: page.centre_combo.count() > 0, timeout=WAIT_MS)
    return page


def _pick(page: ReportsPage, report: str, period: str) -> None:
    page.report_combo.setCurrentIndex(page.report_combo.findData(report))
    page.period_combo.setCurrentIndex(page.period_combo.findData(period))


def test_a_supervisor_sees_the_queue_of_this_month_as_the_service_counts_it(
        qtbot: QtBot, store: Any, vi: None) -> None:
    window = _window(qtbot, store)
    assert window.width() <= 1366 and window.height() <= 768
    assert window.minimumSizeHint().width() <= 1366 and window.minimumSizeHint().height() <= 768
    page = _reports(qtbot, window)
    assert page.centre_combo.currentData() == "c-tinh" and page.centre_combo.count() == 1  # their centre only
    _pick(page, "queue", "month")
    assert page.current_period() == Period(date(2026, 11, 1), date(2026, 11, 30))
    page.run_button.click()
    qtbot.waitUntil(lambda: page.document is not None and not page.is_computing(), timeout=WAIT_MS)

    expected = store.run_report("queue", Period(date(2026, 11, 1), date(2026, 11, 30)),
                                ReportFilters(centre_id="c-tinh"), staff_id="s-gsat01")
    assert expected.visits > 50  # the generated month has tickets to show
    summary = page.show_table("Xếp hàng")
    assert summary is not None and page.model.rowCount() == len(summary.rows)
    shown = {page.model.index(r, 0).data(): page.model.index(r, 1).data() for r in range(page.model.rowCount())}
    assert shown["Lượt phục vụ"] == cell_text(expected.visits, "int")
    assert shown["Đã phục vụ"] == cell_text(expected.served, "int")
    assert shown["Vắng mặt"] == cell_text(expected.no_show, "int")

    heat_table = page.show_table("Lượt phục vụ theo giờ và thứ")
    assert heat_table is not None
    assert [row[1:] for row in heat_table.rows] == [expected.heat_map[d][6:20] for d in range(7)]
    assert page.model.index(0, 5).data() == cell_text(expected.heat_map[0][10], "int")

    heat_view = next(v for v in page.charts if v.chart() is not None and v.chart().kind == "heat")  # type: ignore[union-attr]
    bars_view = next(v for v in page.charts if v.chart() is not None and v.chart().kind == "bar")  # type: ignore[union-attr]
    image = heat_view.grab().toImage()  # paints it
    drawn = {(m.series, m.label): m.value for m in heat_view.marks}
    days = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    assert drawn == {(days[d], f"{h}h"): float(expected.heat_map[d][h]) for d in range(7) for h in range(6, 20)}
    busiest = max(heat_view.marks, key=lambda m: m.value)
    centre = busiest.rect.center().toPoint()
    top = max(drawn.values())
    assert image.pixelColor(centre + QPoint(0, busiest.rect.height() / 2 - 3)).name() == heat_colour(top, top).name()
    quiet = min(heat_view.marks, key=lambda m: m.value)
    assert image.pixelColor(quiet.rect.center().toPoint()).lightness() > image.pixelColor(centre).lightness()
    bars_view.grab()
    assert [m.value for m in bars_view.marks] == [float(v) for v in expected.wait.buckets.values()]


def test_a_clerk_has_no_reports_page_and_a_supervisor_and_an_administrator_do(qtbot: QtBot, store: Any) -> None:
    for role, has_page in (("clerk", False), ("supervisor", True), ("admin", True)):
        window = _window(qtbot, store, replace(SUPERVISOR, role=role))
        assert any(p.page_name == "reports" for p in window.pages) is has_page
        window.close()
    with pytest.raises(DomainError):  # and the service refuses a clerk who asks anyway
        store.run_report("queue", Period(date(2026, 11, 1), date(2026, 11, 30)), ReportFilters(), staff_id="s-nv01")


def test_cancel_stops_a_slow_computation_in_the_service(qtbot: QtBot, store: Any, vi: None) -> None:
    slow = _Slow(store)
    window = _window(qtbot, slow)
    page = _reports(qtbot, window)
    _pick(page, "effectiveness", "year")
    page.run_button.click()
    assert page.is_computing() and page.progress.isVisible() and page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: slow.checks >= 1, timeout=WAIT_MS)
    qtbot.wait(600)  # the busy line counts the steps and the seconds
    assert "Đang tính" in page.progress_label.text()
    page.cancel_button.click()
    started = time.monotonic()
    qtbot.waitUntil(lambda: not page.is_computing(), timeout=WAIT_MS)
    assert time.monotonic() - started < 2.0  # stopped at the next step, not at the end of a year's work
    assert isinstance(slow.outcome, DomainError) and slow.outcome.code == "report.cancelled"
    assert slow.checks_after_cancel == 1  # the service asked once more and stopped
    assert page.status.text() == "Đã hủy lập báo cáo."
    assert page.document is None and not page.progress.isVisible()
    assert not any(b.isEnabled() for b in page.export_buttons.values())


def test_export_writes_a_real_xlsx_and_pdf_of_the_report_shown(
        qtbot: QtBot, store: Any, tmp_path: Path, vi: None) -> None:
    import openpyxl
    import pypdf

    window = _window(qtbot, store)
    page = _reports(qtbot, window)
    _pick(page, "queue", "month")
    page.run_button.click()
    qtbot.waitUntil(lambda: page.document is not None and not page.is_computing(), timeout=WAIT_MS)
    expected = store.run_report("queue", Period(date(2026, 11, 1), date(2026, 11, 30)),
                                ReportFilters(centre_id="c-tinh"), staff_id="s-gsat01")
    asked: list[str] = []

    def to(name: str) -> Any:
        def ask(_parent: Any, _title: str, suggested: str, _pattern: str) -> Path:
            asked.append(suggested)
            return tmp_path / name
        return ask

    page.export("xlsx", ask=to("hang-doi"))  # no suffix given: the format's is added
    qtbot.waitUntil(lambda: "Đã lưu" in page.status.text(), timeout=WAIT_MS)
    book = openpyxl.load_workbook(tmp_path / "hang-doi.xlsx")
    cells = {row[0]: row[1] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) if row}
    assert cells["Lượt phục vụ"] == expected.visits and isinstance(cells["Lượt phục vụ"], int)
    assert asked == ["bao-cao-queue-20261101-20261130.xlsx"]

    page.status.show_message("")
    page.export("pdf", ask=to("hang-doi.pdf"))
    qtbot.waitUntil(lambda: "Đã lưu" in page.status.text(), timeout=WAIT_MS)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "hang-doi.pdf").pages)
    assert "Xếp hàng" in text and str(expected.visits) in text

    page.status.show_message("")
    (tmp_path / "a-file").write_text("x")
    page.export("csv", ask=to("a-file/hang-doi.csv"))  # a folder that is a file: refused in words
    qtbot.waitUntil(lambda: page.status.property("tone") == "error", timeout=WAIT_MS)
    assert page.status.text().startswith("Không ghi được báo cáo vào ") and "a-file" in page.status.text()


def test_the_quick_periods_and_dates_the_wrong_way_round(qtbot: QtBot, store: Any, vi: None) -> None:
    today = date(2026, 11, 30)
    assert quick_period("last_month", today) == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert quick_period("quarter", today) == Period(date(2026, 10, 1), today)
    assert quick_period("year", today) == Period(date(2026, 1, 1), today)
    assert quick_period("last_month", date(2026, 1, 15)) == Period(date(2025, 12, 1), date(2025, 12, 31))
    window = _window(qtbot, store)
    page = _reports(qtbot, window)
    page.to_edit.setDate(page.from_edit.date().addDays(-3))
    assert page.period_combo.currentData() == "custom"
    page.run_button.click()
    assert not page.is_computing()
    assert "kết thúc" in page.status.text() and page.status.property("tone") == "error"
    QApplication.processEvents()


def test_every_report_shows_tables_and_charts_and_an_administrator_picks_any_centre(
        qtbot: QtBot, store: Any, vi: None) -> None:
    admin = replace(SUPERVISOR, staff_id="s-admin01", role="admin")
    window = _window(qtbot, store, admin)
    page = _reports(qtbot, window)
    centres = [page.centre_combo.itemData(i) for i in range(page.centre_combo.count())]
    assert centres[0] is None and len(centres) > 2  # "all centres", then each centre
    page.centre_combo.setCurrentIndex(centres.index("c-tinh"))
    assert page.agency_combo.count() > 1 and page.agency_combo.itemData(0) is None
    kinds: set[str] = set()
    for i in range(page.report_combo.count()):
        name = page.report_combo.itemData(i)
        _pick(page, name, "quarter")
        page.run_button.click()
        qtbot.waitUntil(lambda: not page.is_computing(), timeout=WAIT_MS)
        assert page.document is not None and page.document.name == name, page.status.text()
        assert page.status.property("tone") == "info" and page.model.columnCount() > 0
        assert page.table_combo.count() == len(page.document.tables)
        for view in page.charts:
            if view.isVisible():
                view.grab()  # paints without error
                kind = view.chart().kind  # type: ignore[union-attr]
                kinds.add(kind)
                if view.marks:
                    mark = view.marks[0]
                    assert view.mark_at(mark.rect.center()) is not None
    assert kinds == {"bar", "line", "heat"}
