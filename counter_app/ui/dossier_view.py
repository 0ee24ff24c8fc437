"""Everything about one dossier: facts, components, full history, payments, postal items, batches, reprints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_actions import DossierActions, actions_of
from counter_app.services.dossier_words import (
    applicant_type_text,
    delivery_text,
    describe_dossier_error,
    document_text,
    event_text,
    method_text,
    postal_status_text,
    status_text,
    timeliness_text,
)
from counter_app.services.formatting import format_amount, format_datetime, format_fee_status
from counter_app.services.i18n import N_, _
from counter_app.ui.navigation import CounterContext
from counter_app.ui.preview import PrintedDocument, print_and_preview
from counter_app.ui.tasks import run_in_background
from counter_app.ui.widgets import (
    Column,
    RowsTableModel,
    StatusLine,
    add_shortcut,
    apply_dossier_style,
    current_row,
    make_table,
)

DOSSIER_FORMS_ORDER = (
    DocumentKind.RECEIPT,
    DocumentKind.SUPPLEMENT,
    DocumentKind.REFUSAL,
    DocumentKind.APOLOGY,
    DocumentKind.STOP,
    DocumentKind.CONTROL,
)


@dataclass(frozen=True, slots=True)
class DossierViewData:
    """What the view shows, loaded on a worker: the detail, counter names for the history, and
    the service's answer of what can be done with the dossier (its printable forms among it)."""

    detail: Any  # services.dossiers.DossierDetail
    counter_names: dict[str, str]
    actions: DossierActions


def load_view_data(services: Any, code: str, centre_id: str) -> DossierViewData:
    detail = services.dossiers.detail(code)
    # "Quầy 1": the number is what people say; the long name would crowd out the details.
    names = {c.id: _("Counter {number}").format(number=c.number) for c in services.counters(centre_id)}
    return DossierViewData(detail, names, actions_of(detail, services.clock.now()))


def event_details(data: dict[str, Any]) -> str:
    """The facts an event carries, in words (batch, reason, receipt, item, recipient …)."""
    parts: list[str] = []
    if data.get("agency"):
        parts.append(str(data["agency"]))
    if data.get("batch"):
        parts.append(_("batch {code}").format(code=data["batch"]))
    if data.get("receipt"):
        parts.append(
            _("cash slip {number}: {amount} ({method})").format(
                number=data["receipt"],
                amount=format_amount(int(data.get("amount", 0))),
                method=method_text(str(data.get("method", ""))),
            )
        )
    if data.get("item_code"):
        parts.append(_("postal item {code}").format(code=data["item_code"]))
    if data.get("recipient"):
        recipient = str(data["recipient"])
        if data.get("authorised"):
            recipient = _("{name} (authorised: {note})").format(name=recipient, note=data.get("note", ""))
        parts.append(_("to {name}").format(name=recipient))
    if data.get("new_appointment"):
        try:
            moment = datetime.fromisoformat(str(data["new_appointment"]))
            parts.append(_("new appointment {when}").format(when=format_datetime(moment)))
        except ValueError:
            pass
    if data.get("reason"):
        parts.append(_("reason: {reason}").format(reason=data["reason"]))
    if data.get("missing"):
        parts.append(_("missing: {names}").format(names=", ".join(map(str, data["missing"]))))
    if data.get("timeliness"):
        parts.append(timeliness_text(str(data["timeliness"])))
    return " · ".join(parts)


class DossierViewDialog(QDialog):
    """The dossier view: opened from every page (Enter on a row, a scan on the guide page)."""

    sig_loaded = Signal(object)  # DossierViewData

    def __init__(self, context: CounterContext, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossierView")
        apply_dossier_style(self)
        self.setWindowTitle(_("Dossier {code}").format(code=code))
        self.context = context
        self.code = code
        self.data: DossierViewData | None = None
        self.scanned_while_busy: list[str] = []

        self._build_heading()
        self._build_tables()
        self._build_tabs()
        self._build_forms_row()
        self._lay_out()
        self._connect_signals()
        self.resize(1280, 720)
        self.load()

    # -- builders ----------------------------------------------------------------------------

    def _build_heading(self) -> None:
        """The code, the status badge, the loading line and the grid of facts."""
        self.heading = QLabel(_("Dossier {code}").format(code=self.code))
        self.heading.setObjectName("dialogHeading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_badge = QLabel()
        self.status_badge.setObjectName("statusBadge")
        self.status = StatusLine()
        self.status.show_message(_("Loading…"), "info")

        self.facts = QWidget()
        self.facts_layout = QGridLayout(self.facts)
        self.facts_layout.setHorizontalSpacing(14)
        self.facts_layout.setVerticalSpacing(4)
        self.fact_labels: dict[str, QLabel] = {}

    def _build_tables(self) -> None:
        """History, documents received, fees paid, post and hand-over batches."""
        names = self._counter_name
        self.history_model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("Time"), lambda h: format_datetime(h.at)),
                Column(N_("Step"), lambda h: event_text(h.type)),
                Column(N_("Status after"), lambda h: status_text(h.status_after)),
                Column(N_("Staff member"), lambda h: h.staff_name),
                Column(N_("Counter"), lambda h: names(h.counter_id)),
                Column(N_("Details"), lambda h: event_details(h.data)),
            ]
        )
        self.history_table = make_table(self.history_model, "historyTable", stretch=5)
        self.components_model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("Document"), lambda c: c.name),
                Column(N_("Original"), lambda c: str(c.originals), align_right=True),
                Column(N_("Certified copy"), lambda c: str(c.certified_copies), align_right=True),
                Column(N_("Plain copy"), lambda c: str(c.photocopies), align_right=True),
                Column(N_("Provided"), lambda c: _("Yes") if c.provided else _("No")),
            ]
        )
        self.components_table = make_table(self.components_model, "componentsTable", stretch=0)
        self.payments_model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("Cash slip no."), lambda p: p.receipt_number),
                Column(N_("Paid at"), lambda p: format_datetime(p.paid_at)),
                Column(N_("Method"), lambda p: method_text(p.method)),
                Column(N_("Amount"), lambda p: format_amount(p.total), align_right=True),
            ],
            key=lambda p: p.receipt_number,
        )
        self.payments_table = make_table(self.payments_model, "paymentsTable", stretch=1)
        self.postal_model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("Postal item"), lambda p: p.item_code),
                Column(N_("Receiver"), lambda p: p.receiver_name),
                Column(N_("Address"), lambda p: p.address),
                Column(N_("Postal charge"), lambda p: format_amount(p.charge), align_right=True),
                Column(N_("Delivery status"), lambda p: postal_status_text(p.status)),
                Column(N_("Updated"), lambda p: format_datetime(p.updated_at)),
            ],
            key=lambda p: p.item_code,
        )
        self.postal_table = make_table(self.postal_model, "postalTable", stretch=2)
        self.batches_model: RowsTableModel[str] = RowsTableModel(
            [Column(N_("Hand-over batch"), lambda b: b)], key=lambda b: b
        )
        self.batches_table = make_table(self.batches_model, "batchesTable", stretch=0)

    def _build_tabs(self) -> None:
        self.reprint_payment_button = QPushButton(_("Print the cash slip again"))
        self.reprint_label_button = QPushButton(_("Print the delivery label again"))
        self.reprint_batch_button = QPushButton(_("Print the hand-over record again"))

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dossierTabs")
        self.tabs.addTab(self.history_table, _("History"))
        self.tabs.addTab(self.components_table, _("Documents received"))
        self.tabs.addTab(_with_button(self.payments_table, self.reprint_payment_button), _("Fees paid"))
        self.tabs.addTab(_with_button(self.postal_table, self.reprint_label_button), _("Post"))
        self.tabs.addTab(_with_button(self.batches_table, self.reprint_batch_button), _("Hand-over"))

    def _build_forms_row(self) -> None:
        """"Print again:" one button per form the service says this dossier has."""
        self.forms_row = QHBoxLayout()
        self.forms_row.addWidget(QLabel(_("Print again:")))
        self.reprint_buttons: dict[DocumentKind, QPushButton] = {}
        for kind in DOSSIER_FORMS_ORDER:
            button = QPushButton(document_text(kind))
            button.setObjectName(f"reprint-{kind.value}")
            button.hide()
            button.clicked.connect(lambda _checked=False, k=kind: self.reprint(k, self.code))
            self.reprint_buttons[kind] = button
            self.forms_row.addWidget(button)
        self.forms_row.addStretch(1)

    def _lay_out(self) -> None:
        self.close_button = QPushButton(_("Close (Esc)"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.close_button)

        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.status_badge)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.facts)
        layout.addLayout(self.forms_row)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _connect_signals(self) -> None:
        self.close_button.clicked.connect(self.reject)
        self.reprint_payment_button.clicked.connect(self._on_reprint_payment_button_clicked)
        self.reprint_label_button.clicked.connect(self._on_reprint_label_button_clicked)
        self.reprint_batch_button.clicked.connect(self._on_reprint_batch_button_clicked)
        add_shortcut(self, "Ctrl+R", self._on_reload_shortcut)

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        services, code, centre = self.context.services, self.code, self.context.session.centre_id
        run_in_background(
            lambda: load_view_data(services, code, centre),
            self._on_load_done,
            self._on_load_failed,
            owner=self,
            name="dossier view",
        )

    def _on_load_done(self, data: object) -> None:
        assert isinstance(data, DossierViewData)
        self.data = data
        detail = data.detail
        summary, record = detail.summary, detail.record
        self.heading.setText(_("Dossier {code}").format(code=summary.code))
        self.status_badge.setText(status_text(summary.status))
        self._fill_facts(detail)
        self.history_model.set_rows(detail.history)
        self.components_model.set_rows(record.components)
        self.payments_model.set_rows(detail.payments)
        self.postal_model.set_rows(detail.postal_items)
        self.batches_model.set_rows(detail.batches)
        for table in (self.payments_table, self.postal_table, self.batches_table):
            if table.model().rowCount() > 0:
                table.selectRow(table.model().rowCount() - 1)
        self.reprint_payment_button.setEnabled(bool(detail.payments))
        self.reprint_label_button.setEnabled(bool(detail.postal_items))
        self.reprint_batch_button.setEnabled(bool(detail.batches))
        available = set(data.actions.printable_forms)
        for kind, button in self.reprint_buttons.items():
            button.setVisible(kind in available)
        self.status.show_message("", "")
        self.history_table.scrollToBottom()
        self.sig_loaded.emit(data)

    def _on_load_failed(self, error: BaseException) -> None:
        self.status.show_message(describe_dossier_error(error), "error")

    def _fill_facts(self, detail: Any) -> None:
        s, r = detail.summary, detail.record
        appointment = format_datetime(s.appointment) if s.appointment else "—"
        if r.original_appointment and s.appointment and r.original_appointment != s.appointment:
            appointment = _("{new} (was {old})").format(
                new=appointment, old=format_datetime(r.original_appointment)
            )
        facts: list[tuple[str, str, str]] = [
            ("procedure", _("Procedure"), f"{s.procedure_name} ({s.procedure_code})"),
            ("agency", _("Deciding agency"), s.agency_name),
            ("applicant", _("Applicant"), f"{s.applicant_name} · {applicant_type_text(r.applicant_type)}"),
            ("id", _("ID number"), s.id_hint or "—"),
            ("phone", _("Phone"), s.phone_hint or "—"),
            ("received", _("Received at"), format_datetime(s.received_at)),
            ("appointment", _("Appointment"), appointment),
            ("delivery", _("Result delivery"), delivery_text(s.result_delivery)),
            ("sets", _("Number of sets"), str(r.sets)),
            (
                "fees",
                _("Fees and charges"),
                format_fee_status(s.fee_due, s.paid),
            ),
            ("summary", _("Request"), r.request_summary or "—"),
        ]
        if r.reason:
            facts.append(("reason", _("Reason"), r.reason))
        if r.missing_components:
            facts.append(("missing", _("To supplement"), ", ".join(r.missing_components)))
        if r.timeliness:
            facts.append(("timeliness", _("Returned"), f"{timeliness_text(r.timeliness)} · {r.recipient_name}"))
        while self.facts_layout.count():
            item = self.facts_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.fact_labels = {}
        half = (len(facts) + 1) // 2
        for i, (key, label, value) in enumerate(facts):
            row, col = (i, 0) if i < half else (i - half, 2)
            name = QLabel(label + ":")
            name.setObjectName("factName")
            text = QLabel(value)
            text.setObjectName("factValue")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts_layout.addWidget(name, row, col, Qt.AlignmentFlag.AlignTop)
            self.facts_layout.addWidget(text, row, col + 1, Qt.AlignmentFlag.AlignTop)
            self.fact_labels[key] = text
        self.facts_layout.setColumnStretch(1, 1)
        self.facts_layout.setColumnStretch(3, 1)

    def fact(self, key: str) -> str:
        label = self.fact_labels.get(key)
        return label.text() if label is not None else ""

    def _counter_name(self, counter_id: str) -> str:
        if self.data is None or not counter_id:
            return ""
        return self.data.counter_names.get(counter_id, counter_id)

    # -- scans and reprints ------------------------------------------------------------------

    def take_scan(self, code: str) -> None:
        """A scan while the view is open: note it; the view never switches dossier by itself."""
        self.scanned_while_busy.append(code)
        self.status.show_message(
            _("Scanned {code} — finish or close the open dialog first.").format(code=code), "info"
        )

    def reprint(self, kind: DocumentKind, key: str) -> None:
        self.status.show_message(_("Printing…"), "info")
        print_and_preview(
            self, self.context, kind, key, on_done=self._on_reprint_done, on_failed=self._on_reprint_failed
        )

    def _on_reprint_done(self, printed: PrintedDocument) -> None:
        self.status.show_message(
            _("{document} printed again.").format(document=document_text(printed.kind))
            if printed.ok
            else _("{document} was NOT printed. Check the printer and try again.").format(
                document=document_text(printed.kind)
            ),
            "ok" if printed.ok else "error",
        )

    def _on_reprint_failed(self, text: str) -> None:
        self.status.show_message(text, "error")

    def _selected_key(self, table: QTableView, model: RowsTableModel[Any], attribute: str | None) -> str | None:
        row = current_row(table)
        if row is None:
            if model.rowCount() == 0:
                return None
            row = model.rowCount() - 1
        value = model.row_at(row)
        return str(getattr(value, attribute)) if attribute else str(value)

    def _on_reprint_payment_button_clicked(self) -> None:
        key = self._selected_key(self.payments_table, self.payments_model, "receipt_number")
        if key:
            self.reprint(DocumentKind.PAYMENT_RECEIPT, key)

    def _on_reprint_label_button_clicked(self) -> None:
        key = self._selected_key(self.postal_table, self.postal_model, "item_code")
        if key:
            self.reprint(DocumentKind.DELIVERY_LABEL, key)

    def _on_reprint_batch_button_clicked(self) -> None:
        key = self._selected_key(self.batches_table, self.batches_model, None)
        if key:
            self.reprint(DocumentKind.HANDOVER, key)

    def _on_reload_shortcut(self) -> None:
        self.load()


def _with_button(table: QTableView, button: QPushButton) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(table, 1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    layout.addLayout(row)
    return box


def open_dossier_view(parent: QWidget, context: CounterContext, code: str) -> DossierViewDialog:
    """Open the dossier view of ``code`` (non-blocking, modal to its window)."""
    dialog = DossierViewDialog(context, code, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
