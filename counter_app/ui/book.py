"""Tracking book page (Mẫu 07): the dossiers received in a date range, on screen and as an A4 PDF."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.domain.units import short_agency_name
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_words import describe_dossier_error, status_text
from counter_app.services.formatting import format_date, format_datetime, format_time
from counter_app.services.i18n import N_, _, ngettext
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.preview import print_and_preview
from counter_app.ui.tasks import run_in_background
from counter_app.ui.widgets import (
    Column,
    RowsTableModel,
    StatusLine,
    add_shortcut,
    apply_dossier_style,
    desk_of,
    dossiers_of,
    make_table,
    today_of,
)

DEFAULT_DAYS = 31  # the book opens on the last month; any range can be chosen


def _when(moment: Any) -> str:
    """Compact "30/11/2026 09:00": the book has five time columns side by side."""
    return f"{format_date(moment)} {format_time(moment)}" if moment is not None else ""


def _full(moment: Any) -> str:
    return format_datetime(moment) if moment is not None else ""


def _note(row: Any) -> str:
    return status_text(row.note) if row.note else ""


def load_book(services: Any, desk: Any, period: tuple[date, date]) -> Any:
    """The Mẫu 07 data of the period (a TrackingBook read model)."""
    return services.printing.document_data(DocumentKind.BOOK, book_key(period), desk, period=period)


def book_key(period: tuple[date, date]) -> str:
    return f"{period[0]:%Y%m%d}-{period[1]:%Y%m%d}"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class BookPage(CounterPage):
    """"Sổ theo dõi": choose the period, see the rows, print the A4 book."""

    page_name = "book"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("bookPage")
        apply_dossier_style(self)
        self.book: Any = None
        today = today_of(context)
        self.from_edit = QDateEdit(_qdate(today - timedelta(days=DEFAULT_DAYS - 1)))
        self.from_edit.setObjectName("bookFrom")
        self.to_edit = QDateEdit(_qdate(today))
        self.to_edit.setObjectName("bookTo")
        for edit in (self.from_edit, self.to_edit):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.show_button = QPushButton(_("Show (Enter)"))
        self.show_button.setObjectName("primary")
        self.print_button = QPushButton(_("Print the A4 book (Ctrl+P)"))
        self.print_button.setEnabled(False)
        self.count_label = QLabel()
        self.count_label.setObjectName("resultCount")
        self.model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("No."), lambda r: str(r.number), align_right=True),
                Column(N_("Dossier code"), lambda r: r.dossier_code),
                Column(N_("Procedure"), lambda r: r.procedure_name),
                Column(N_("Sets"), lambda r: str(r.sets), align_right=True),
                Column(N_("Applicant"), lambda r: r.applicant_name),
                Column(N_("Agency"), lambda r: short_agency_name(r.agency_name), tooltip=lambda r: r.agency_name),
                Column(N_("Received"), lambda r: _when(r.received_at)),
                Column(N_("Appointment"), lambda r: _when(r.appointment), tooltip=lambda r: _full(r.appointment)),
                Column(N_("To the agency"), lambda r: _when(r.transferred_at)),
                Column(N_("Result back"), lambda r: _when(r.result_back_at)),
                Column(N_("Returned"), lambda r: _when(r.returned_at)),
                Column(N_("Note"), _note),
            ],
            key=lambda r: r.dossier_code,
        )
        self.table = make_table(self.model, "bookTable", stretch=2)
        self.status = StatusLine()

        row = QHBoxLayout()
        row.addWidget(QLabel(_("Received from")))
        row.addWidget(self.from_edit)
        row.addWidget(QLabel(_("until")))
        row.addWidget(self.to_edit)
        row.addWidget(self.show_button)
        row.addStretch(1)
        row.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addLayout(row)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.show_button.clicked.connect(self._on_show_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        add_shortcut(self.from_edit, "Return", self._on_show_button_clicked)
        add_shortcut(self.to_edit, "Return", self._on_show_button_clicked)

    # -- CounterPage -----------------------------------------------------------------------

    def page_title(self) -> str:
        return _("Tracking book")

    def page_shown(self) -> None:
        if self.book is None:
            self.show_book()
        self.from_edit.setFocus()

    def print_current(self) -> bool:
        self._on_print_button_clicked()
        return True

    # -- the book ----------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return _date(self.from_edit.date()), _date(self.to_edit.date())

    def set_period(self, start: date, end: date) -> None:
        self.from_edit.setDate(_qdate(start))
        self.to_edit.setDate(_qdate(end))

    def show_book(self) -> None:
        if dossiers_of(self.context) is None or getattr(self.context.services, "printing", None) is None:
            return
        period = self.period()
        if period[1] < period[0]:
            self.status.show_message(
                _("The period ends ({end}) before it starts ({start}).").format(
                    end=format_date(period[1]), start=format_date(period[0])
                ),
                "error",
            )
            return
        services, desk = self.context.services, desk_of(self.context)
        self.status.show_message(_("Loading…"), "info")
        run_in_background(
            lambda: load_book(services, desk, period),
            self._on_book_loaded,
            lambda error: self.status.show_message(describe_dossier_error(error), "error"),
            owner=self,
            name="tracking book",
        )

    def _on_book_loaded(self, book: object) -> None:
        self.book = book
        b: Any = book
        self.model.set_rows(b.rows)
        n = len(b.rows)
        self.count_label.setText(
            ngettext(
                "{n} dossier received from {start} to {end}",
                "{n} dossiers received from {start} to {end}",
                n,
            ).format(n=n, start=format_date(b.period_from), end=format_date(b.period_to))
        )
        self.print_button.setEnabled(True)
        self.status.show_message("", "")

    # -- slots -----------------------------------------------------------------------------

    def _on_show_button_clicked(self) -> None:
        self.show_book()

    def _on_print_button_clicked(self) -> None:
        if self.book is None or not self.print_button.isEnabled():
            return
        period = (self.book.period_from, self.book.period_to)
        self.status.show_message(_("Printing…"), "info")
        print_and_preview(
            self, self.context, DocumentKind.BOOK, book_key(period), period=period,
            on_done=lambda _printed: self.status.show_message("", ""),
            on_failed=lambda text: self.status.show_message(text, "error"),
        )

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.navigator.open_dossier(self.model.row_at(index.row()).dossier_code, self)
