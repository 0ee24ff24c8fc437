"""Return page: find the dossier (scan or search), check the recipient, collect fees, return or send by post."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.domain.identity import validate_s10
from counter_app.domain.text import normalize
from counter_app.services.dossier_actions import Action, DossierActions, actions_of
from counter_app.services.dossier_words import (
    delivery_text,
    describe_dossier_error,
    postal_status_text,
    status_text,
    timeliness_text,
)
from counter_app.services.formatting import format_amount, format_date, format_datetime
from counter_app.services.i18n import N_, _, describe_error, ngettext
from counter_app.ui.money_edit import MoneyEdit
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.preview import print_owed_and_preview
from counter_app.ui.scanner import scan_filter
from counter_app.ui.tasks import run_in_background
from counter_app.ui.widgets import (
    Column,
    FieldNote,
    RowsTableModel,
    StatusLine,
    add_shortcut,
    apply_dossier_style,
    desk_of,
    dossiers_of,
    make_splitter,
    make_table,
)

_log = logging.getLogger(__name__)

S10_SHAPE = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")
DEFAULT_POSTAL_CHARGE = 0


def money(amount: int) -> str:
    """Money where 0 is "0 đ" (not "Free": here it is an amount, not a price)."""
    return format_amount(amount)


def outstanding_of(summary: Any) -> int:
    return max(0, summary.fee_due - summary.paid)


@dataclass(frozen=True, slots=True)
class OpenDossier:
    summary: Any  # DossierSummary (centre-checked)
    detail: Any  # DossierDetail
    actions: DossierActions  # what the service offers now: the buttons follow it


def load_open_dossier(services: Any, code: str, desk: Any) -> OpenDossier:
    summary = services.dossiers.find(code, desk)  # unknown code, other centre: refused here
    detail = services.dossiers.detail(summary.code)
    return OpenDossier(summary, detail, actions_of(detail, services.clock.now()))


class PaymentDialog(QDialog):
    """Collect fees for one dossier: amount, cash or transfer. One request key per dialog."""

    sig_paid = Signal(object)  # PaymentResult

    def __init__(self, context: CounterContext, summary: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentDialog")
        apply_dossier_style(self)
        self.setWindowTitle(_("Collect fees — {code}").format(code=summary.code))
        self.setModal(True)
        self.context = context
        self.summary = summary
        self.request_key = uuid.uuid4().hex
        self.saving = False
        outstanding = outstanding_of(summary)
        heading = QLabel(_("Collect fees — {code}").format(code=summary.code))
        heading.setObjectName("dialogHeading")
        facts = QLabel(
            _("{due} due, {paid} paid, {outstanding} outstanding").format(
                due=money(summary.fee_due), paid=money(summary.paid), outstanding=money(outstanding)
            )
        )
        facts.setObjectName("moneyLine")
        self.amount_edit = MoneyEdit(outstanding)
        self.amount_edit.setObjectName("amount")
        self.amount_note = FieldNote()
        self.cash_radio = QRadioButton(_("Cash"))
        self.transfer_radio = QRadioButton(_("Bank transfer"))
        self.cash_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.cash_radio)
        group.addButton(self.transfer_radio)
        methods = QHBoxLayout()
        methods.addWidget(self.cash_radio)
        methods.addWidget(self.transfer_radio)
        methods.addStretch(1)
        form = QFormLayout()
        form.addRow(_("Payer"), QLabel(summary.applicant_name))
        form.addRow(_("Amount"), _stack(self.amount_edit, self.amount_note))
        form.addRow(_("Payment method"), methods)
        self.status = StatusLine()
        self.confirm_button = QPushButton(_("Collect and print the cash slip (Ctrl+Enter)"))
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setAutoDefault(False)
        self.cancel_button = QPushButton(_("Back (Esc)"))
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(facts)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        add_shortcut(self, "Ctrl+Return", self._on_confirm_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_confirm_button_clicked)
        self.resize(560, 300)
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()

    def method(self) -> str:
        return "transfer" if self.transfer_radio.isChecked() else "cash"

    def take_scan(self, code: str) -> None:
        self.status.show_message(
            _("Scanned {code} — finish or close the open dialog first.").format(code=code), "info"
        )

    def pay(self) -> bool:
        if self.saving:
            return False
        try:
            amount = self.amount_edit.amount()
        except DomainError as error:
            self.amount_note.show_note(describe_error(error))
            self.amount_edit.setFocus()
            return False
        self.amount_note.clear_note()
        method, key = self.method(), self.request_key
        code, services, desk = self.summary.code, self.context.services, desk_of(self.context)
        self.saving = True
        self.confirm_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.status.show_message(_("Saving…"), "info")
        run_in_background(
            lambda: services.dossiers.pay(code, desk, amount=amount, method=method, request_key=key),
            self._on_pay_done,
            self._on_pay_failed,
            owner=self,
            name="pay",
        )
        return True

    def _on_pay_done(self, result: object) -> None:
        self.saving = False
        self.sig_paid.emit(result)
        self.accept()

    def _on_pay_failed(self, error: BaseException) -> None:
        self.saving = False
        self.confirm_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self.status.show_message(
            _("Not collected: {reason}").format(reason=describe_dossier_error(error)), "error"
        )

    def _on_confirm_button_clicked(self) -> None:
        self.pay()

    def reject(self) -> None:
        if not self.saving:
            super().reject()


class PostDialog(QDialog):
    """Send the result home by post (BCCI): S10 item code, receiver, address, phone, postal charge."""

    sig_sent = Signal(object, str)  # DossierSummary, postal item code

    def __init__(self, context: CounterContext, opened: OpenDossier, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postDialog")
        apply_dossier_style(self)
        code = opened.summary.code
        record = opened.detail.record
        self.setWindowTitle(_("Send the result by post — {code}").format(code=code))
        self.setModal(True)
        self.context = context
        self.code = code
        self.item_code = ""
        self.saving = False
        heading = QLabel(_("Send the result by post — {code}").format(code=code))
        heading.setObjectName("dialogHeading")
        self.item_edit = QLineEdit()
        self.item_edit.setObjectName("itemCode")
        self.item_edit.setPlaceholderText(_("Scan or type the postal item code, e.g. EB123456785VN"))
        self.item_note = FieldNote()
        self.receiver_edit = QLineEdit(record.delivery_receiver or record.applicant_name)
        self.receiver_edit.setObjectName("receiver")
        self.address_edit = QLineEdit(record.delivery_address)
        self.address_edit.setObjectName("address")
        self.phone_edit = QLineEdit(record.delivery_phone or record.phone)
        self.phone_edit.setObjectName("receiverPhone")
        self.charge_edit = MoneyEdit(DEFAULT_POSTAL_CHARGE)
        self.charge_edit.setObjectName("charge")
        self.charge_note = FieldNote()
        form = QFormLayout()
        form.addRow(_("Postal item"), _stack(self.item_edit, self.item_note))
        form.addRow(_("Receiver"), self.receiver_edit)
        form.addRow(_("Delivery address"), self.address_edit)
        form.addRow(_("Receiver's phone"), self.phone_edit)
        form.addRow(_("Postal charge"), _stack(self.charge_edit, self.charge_note))
        hint = QLabel(_("The postal charge is added to what the applicant owes; collect it after sending."))
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        self.status = StatusLine()
        self.confirm_button = QPushButton(_("Send and print the label (Ctrl+Enter)"))
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setAutoDefault(False)
        self.cancel_button = QPushButton(_("Back (Esc)"))
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.item_edit.textChanged.connect(self._on_item_edit_text_changed)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        add_shortcut(self, "Ctrl+Return", self._on_confirm_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_confirm_button_clicked)
        self.resize(640, 380)
        self.item_edit.setFocus()

    def check_item(self, final: bool = False) -> bool:
        text = re.sub(r"\s", "", self.item_edit.text()).upper()
        if not text:
            if final:
                self.item_note.show_note(describe_error(DomainError("s10.empty")))
            else:
                self.item_note.clear_note()
            return False
        try:
            validate_s10(text)
        except DomainError as error:
            typing = error.code == "s10.length" and len(text) < 13 and not final
            self.item_note.show_note(describe_error(error), "info" if typing else "error")
            return False
        self.item_note.show_note(_("Valid postal item code."), "ok")
        return True

    def take_scan(self, code: str) -> None:
        """A postal item label scanned here fills the item code; anything else is only noted."""
        text = code.strip().upper()
        if S10_SHAPE.match(text):
            self.item_edit.setText(text)
            self.check_item(final=True)
            return
        self.status.show_message(
            _("Scanned {code} — finish or close the open dialog first.").format(code=code), "info"
        )

    def send(self) -> bool:
        if self.saving or not self.check_item(final=True):
            self.item_edit.setFocus()
            return False
        try:
            charge = self.charge_edit.amount()
        except DomainError as error:
            self.charge_note.show_note(describe_error(error))
            self.charge_edit.setFocus()
            return False
        self.charge_note.clear_note()
        item = re.sub(r"\s", "", self.item_edit.text()).upper()
        self.item_code = item
        receiver, address, phone = self.receiver_edit.text(), self.address_edit.text(), self.phone_edit.text()
        code, services, desk = self.code, self.context.services, desk_of(self.context)
        self.saving = True
        self.confirm_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.status.show_message(_("Saving…"), "info")
        run_in_background(
            lambda: services.dossiers.send_by_post(
                code, desk, item_code=item, receiver_name=receiver, address=address, phone=phone, charge=charge
            ),
            self._on_send_done,
            self._on_send_failed,
            owner=self,
            name="send by post",
        )
        return True

    def _on_send_done(self, summary: object) -> None:
        self.saving = False
        self.sig_sent.emit(summary, self.item_code)
        self.accept()

    def _on_send_failed(self, error: BaseException) -> None:
        self.saving = False
        self.confirm_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        text = describe_dossier_error(error)
        if isinstance(error, DomainError) and error.code.startswith(("s10.", "postal.item_used")):
            self.item_note.show_note(text)
        self.status.show_message(_("Not sent: {reason}").format(reason=text), "error")

    def _on_item_edit_text_changed(self, _text: str) -> None:
        self.check_item()

    def _on_confirm_button_clicked(self) -> None:
        self.send()

    def reject(self) -> None:
        if not self.saving:
            super().reject()


class CashSummaryDialog(QDialog):
    """End of shift: what this employee collected today, cash and transfer."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cashSummaryDialog")
        apply_dossier_style(self)
        self.setWindowTitle(_("End-of-shift cash summary"))
        self.context = context
        self.summary: Any = None
        heading = QLabel(_("End-of-shift cash summary"))
        heading.setObjectName("dialogHeading")
        self.grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        rows = (
            ("staff", _("Staff member")),
            ("day", _("Day")),
            ("count", _("Cash slips")),
            ("cash", _("Cash")),
            ("transfer", _("Bank transfer")),
            ("total", _("Total")),
        )
        for i, (key, label) in enumerate(rows):
            name = QLabel(label + ":")
            value = QLabel("…")
            value.setObjectName("moneyValue" if key in ("cash", "transfer", "total") else "factValue")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(name, i, 0)
            self.grid.addWidget(value, i, 1)
            self.values[key] = value
        self.values["staff"].setText(context.session.full_name)
        self.status = StatusLine()
        close = QPushButton(_("Close (Esc)"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self.grid)
        layout.addWidget(self.status)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(460, 320)
        services, desk = context.services, desk_of(context)
        run_in_background(
            lambda: services.dossiers.cash_summary(desk),
            self._on_loaded,
            lambda error: self.status.show_message(describe_dossier_error(error), "error"),
            owner=self,
            name="cash summary",
        )

    def _on_loaded(self, summary: object) -> None:
        self.summary = summary
        s: Any = summary
        self.values["day"].setText(format_date(s.day))
        self.values["count"].setText(str(s.count))
        self.values["cash"].setText(money(s.cash))
        self.values["transfer"].setText(money(s.transfer))
        self.values["total"].setText(money(s.total))


class ReturnPage(CounterPage):
    """"Trả kết quả": scan the receipt, check who collects, take the fees, return or post."""

    page_name = "return"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("returnPage")
        apply_dossier_style(self)
        self.opened: OpenDossier | None = None
        self.busy = False

        left = self._build_finding()
        dossier_box = self._build_open_dossier()
        postal_row = self._build_postal_row()
        self.status = StatusLine()
        self.splitter = self._build_splitter(left, dossier_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(postal_row)
        layout.addWidget(self.status)

        self._connect_signals()
        self._add_shortcuts()
        scan_filter().add_target(self, self.handle_scan)
        self._show_open(None)
        self._update_results_label(None)

    # -- building the page -----------------------------------------------------------------

    def _build_finding(self) -> QWidget:
        """The search box (a scanned receipt lands here too), the matches and their count."""
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("returnSearch")
        self.search_edit.setPlaceholderText(
            _("Scan the receipt, or search by dossier code, CCCD, name without accents or phone (F2)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.results_model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("Dossier code"), lambda s: s.code),
                Column(
                    N_("Applicant"),
                    lambda s: s.applicant_name,
                    tooltip=lambda s: f"{s.applicant_name}\n{s.procedure_name}",
                ),
                Column(N_("ID number"), lambda s: s.id_hint),
                Column(N_("Phone"), lambda s: s.phone_hint),
                Column(N_("Status"), lambda s: status_text(s.status)),
            ],
            key=lambda s: s.code,
        )
        self.results_table = make_table(self.results_model, "returnResults", stretch=1)
        self.results_label = QLabel()
        self.results_label.setObjectName("resultCount")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.results_label)
        left_layout.addWidget(self.results_table, 1)
        return left

    def _build_open_dossier(self) -> QFrame:
        """The open dossier: code and status, facts, fees, who collects, and the action buttons."""
        self.code_label = QLabel(_("No dossier open. Scan a receipt or search."))
        self.code_label.setObjectName("dossierCode")
        self.code_label.setWordWrap(True)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusBadge")
        self.facts_label = QLabel()
        self.facts_label.setObjectName("dossierFacts")
        self.facts_label.setWordWrap(True)
        self.fees_label = QLabel()
        self.fees_label.setObjectName("feesLine")
        self.fees_label.setWordWrap(True)

        dossier_box = QFrame()
        dossier_box.setObjectName("openDossier")
        dossier_layout = QVBoxLayout(dossier_box)
        head = QHBoxLayout()
        head.addWidget(self.code_label, 1)
        head.addWidget(self.status_label, 0, Qt.AlignmentFlag.AlignTop)
        dossier_layout.addLayout(head)
        dossier_layout.addWidget(self.facts_label)
        dossier_layout.addWidget(self.fees_label)
        dossier_layout.addWidget(self._build_recipient_box())
        dossier_layout.addLayout(self._build_action_buttons())
        dossier_layout.addStretch(1)
        return dossier_box

    def _build_recipient_box(self) -> QGroupBox:
        """Who collects the result: the applicant, or an authorised person with the letter's details."""
        self.recipient_name_edit = QLineEdit()
        self.recipient_name_edit.setObjectName("recipientName")
        self.recipient_id_edit = QLineEdit()
        self.recipient_id_edit.setObjectName("recipientId")
        self.recipient_id_edit.setPlaceholderText(_("From the ID card shown at the counter"))
        self.authorised_check = QCheckBox(_("Authorised person"))
        self.authorisation_edit = QLineEdit()
        self.authorisation_edit.setObjectName("authorisationNote")
        self.authorisation_edit.setPlaceholderText(_("Letter of authorisation: number, date, who signed"))
        self.applicant_button = QPushButton(_("The applicant collects (F4)"))
        recipient_box = QGroupBox(_("Who collects the result"))
        recipient_form = QFormLayout(recipient_box)
        recipient_form.addRow(_("Full name"), self.recipient_name_edit)
        recipient_form.addRow(_("ID number"), self.recipient_id_edit)
        recipient_form.addRow(self.authorised_check, self.authorisation_edit)
        recipient_form.addRow(self.applicant_button)
        return recipient_box

    def _build_action_buttons(self) -> QGridLayout:
        self.pay_button = QPushButton(_("Collect fees… (Ctrl+T)"))
        self.return_button = QPushButton(_("Return the result (Ctrl+Enter)"))
        self.return_button.setObjectName("primary")
        self.post_button = QPushButton(_("Send by post… (Ctrl+G)"))
        self.view_button = QPushButton(_("Open the dossier (F3)"))
        for button in (self.pay_button, self.return_button, self.post_button, self.view_button):
            button.setMinimumHeight(40)
        actions = QGridLayout()
        actions.addWidget(self.return_button, 0, 0)
        actions.addWidget(self.pay_button, 0, 1)
        actions.addWidget(self.post_button, 1, 0)
        actions.addWidget(self.view_button, 1, 1)
        return actions

    def _build_postal_row(self) -> QHBoxLayout:
        """Postal items coming back (delivered, returned to sender) and the end-of-shift cash summary."""
        self.item_edit = QLineEdit()
        self.item_edit.setObjectName("postalItem")
        self.item_edit.setPlaceholderText(_("Postal item code (scan the label)"))
        self.delivered_button = QPushButton(_("Delivered"))
        self.returned_button = QPushButton(_("Returned to sender"))
        self.cash_button = QPushButton(_("End-of-shift cash summary (Ctrl+K)"))
        postal_row = QHBoxLayout()
        postal_row.addWidget(QLabel(_("Postal item:")))
        postal_row.addWidget(self.item_edit, 1)
        postal_row.addWidget(self.delivered_button)
        postal_row.addWidget(self.returned_button)
        postal_row.addStretch(1)
        postal_row.addWidget(self.cash_button)
        return postal_row

    @staticmethod
    def _build_splitter(left: QWidget, dossier_box: QWidget) -> QSplitter:
        return make_splitter(Qt.Orientation.Horizontal, left, dossier_box, stretch=(5, 4))

    def _connect_signals(self) -> None:
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.results_table.activated.connect(self._on_results_table_activated)
        self.authorised_check.toggled.connect(self._on_authorised_check_toggled)
        self.applicant_button.clicked.connect(self._on_applicant_button_clicked)
        self.pay_button.clicked.connect(self._on_pay_button_clicked)
        self.return_button.clicked.connect(self._on_return_button_clicked)
        self.post_button.clicked.connect(self._on_post_button_clicked)
        self.view_button.clicked.connect(self._on_view_button_clicked)
        self.delivered_button.clicked.connect(self._on_delivered_button_clicked)
        self.returned_button.clicked.connect(self._on_returned_button_clicked)
        self.cash_button.clicked.connect(self._on_cash_button_clicked)

    def _add_shortcuts(self) -> None:
        add_shortcut(self, "Ctrl+Return", self._on_return_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_return_button_clicked)
        add_shortcut(self, "F3", self._on_view_button_clicked)
        add_shortcut(self, "F4", self._on_applicant_button_clicked)
        add_shortcut(self, "Ctrl+T", self._on_pay_button_clicked)
        add_shortcut(self, "Ctrl+G", self._on_post_button_clicked)
        add_shortcut(self, "Ctrl+K", self._on_cash_button_clicked)

    # -- CounterPage -----------------------------------------------------------------------

    def page_title(self) -> str:
        return _("Return results")

    def page_shown(self) -> None:
        self.search_edit.setFocus()

    def focus_search(self) -> bool:
        self.search_edit.setFocus()
        self.search_edit.selectAll()
        return True

    def clear_search(self) -> bool:
        self.search_edit.clear()
        self.results_model.set_rows([])
        self._update_results_label(None)
        self.search_edit.setFocus()
        return True

    # -- finding -----------------------------------------------------------------------------

    def search(self, text: str) -> None:
        if dossiers_of(self.context) is None or not text.strip():
            return
        services, desk = self.context.services, desk_of(self.context)
        run_in_background(
            lambda: services.dossiers.search(text, desk),
            lambda rows: self._on_search_done(text, rows),
            lambda error: self.status.show_message(describe_dossier_error(error), "error"),
            owner=self,
            name="search dossiers",
        )

    def _on_search_done(self, text: str, rows: object) -> None:
        assert isinstance(rows, list)
        self.results_model.set_rows(rows)
        self._update_results_label(text)
        if len(rows) == 1:
            self.open_dossier(rows[0].code)
        elif rows:
            self.results_table.setCurrentIndex(self.results_model.index(0, 0))
            self.results_table.setFocus()

    def _update_results_label(self, text: str | None) -> None:
        n = self.results_model.rowCount()
        if text is None:
            self.results_label.setText("")
        elif n == 0:
            self.results_label.setText(_("No dossier matches “{text}”.").format(text=text))
        else:
            self.results_label.setText(ngettext("{n} dossier found", "{n} dossiers found", n).format(n=n))

    def handle_scan(self, code: str) -> None:
        """A scanned receipt opens its dossier; a scanned postal label fills the postal item."""
        text = code.strip().upper()
        if S10_SHAPE.match(text):
            self.item_edit.setText(text)
            self.status.show_message(
                _("Postal item {code}: choose Delivered or Returned to sender.").format(code=text), "info"
            )
            return
        self.open_dossier(text)

    def open_dossier(self, code: str) -> None:
        if dossiers_of(self.context) is None:
            return
        services, desk = self.context.services, desk_of(self.context)
        run_in_background(
            lambda: load_open_dossier(services, code, desk),
            self._on_open_done,
            self._on_open_failed,
            owner=self,
            name="open dossier",
        )

    def _on_open_done(self, opened: object) -> None:
        assert isinstance(opened, OpenDossier)
        same = self.opened is not None and self.opened.summary.code == opened.summary.code
        self._show_open(opened)
        if not same:
            self.recipient_name_edit.clear()
            self.recipient_id_edit.clear()
            self.authorised_check.setChecked(False)
            self.authorisation_edit.clear()
            self.status.show_message(
                _("Dossier {code} is open: {status}.").format(
                    code=opened.summary.code, status=status_text(opened.summary.status)
                ),
                "info",
            )
            self.recipient_name_edit.setFocus()

    def _on_open_failed(self, error: BaseException) -> None:
        self.status.show_message(describe_dossier_error(error), "error")

    def reload(self) -> None:
        if self.opened is not None:
            self.open_dossier(self.opened.summary.code)

    def _show_open(self, opened: OpenDossier | None) -> None:
        self.opened = opened
        if opened is None:
            self.code_label.setText(_("No dossier open. Scan a receipt or search."))
            self.status_label.setText("")
            self.facts_label.setText("")
            self.fees_label.setText("")
            self._update_actions()
            return
        s, record = opened.summary, opened.detail.record
        self.code_label.setText(s.code)
        self.status_label.setText(status_text(s.status))
        lines = [
            _("Applicant: {name} · ID {id} · phone {phone}").format(
                name=s.applicant_name, id=s.id_hint or "—", phone=s.phone_hint or "—"
            ),
            _("Procedure: {name} ({code})").format(name=s.procedure_name, code=s.procedure_code),
            _("Appointment: {when}").format(when=format_datetime(s.appointment) if s.appointment else "—"),
            _("Result delivery: {how}").format(how=delivery_text(s.result_delivery)),
        ]
        if record.timeliness:
            lines.append(
                _("Returned: {timeliness}, to {name}").format(
                    timeliness=timeliness_text(record.timeliness), name=record.recipient_name
                )
            )
        for item in opened.detail.postal_items:
            lines.append(
                _("Postal item {code}: {status}").format(code=item.item_code, status=postal_status_text(item.status))
            )
        self.facts_label.setText("\n".join(lines))
        outstanding = outstanding_of(s)
        self.fees_label.setText(
            _("{due} due, {paid} paid, {outstanding} outstanding").format(
                due=money(s.fee_due), paid=money(s.paid), outstanding=money(outstanding)
            )
        )
        self.fees_label.setProperty("tone", "error" if outstanding else "ok")
        self.fees_label.style().unpolish(self.fees_label)
        self.fees_label.style().polish(self.fees_label)
        in_transit = opened.actions.postal_in_transit
        if in_transit and not self.item_edit.text():
            self.item_edit.setText(in_transit[-1])
        self._update_actions()

    def offers(self, action: Action) -> bool:
        """Whether the service offers ``action`` for the open dossier (its state has the step)."""
        return self.opened is not None and self.opened.actions.offers(action)

    def _update_actions(self) -> None:
        idle = not self.busy
        self.pay_button.setEnabled(idle and self.offers(Action.PAY))
        self.return_button.setEnabled(idle and self.offers(Action.RETURN_AT_COUNTER))
        self.post_button.setEnabled(idle and self.offers(Action.SEND_BY_POST))
        self.view_button.setEnabled(self.opened is not None)
        self.applicant_button.setEnabled(self.offers(Action.RETURN_AT_COUNTER))
        self.authorisation_edit.setEnabled(self.authorised_check.isChecked())

    # -- steps -------------------------------------------------------------------------------

    def open_payment(self) -> PaymentDialog | None:
        if self.opened is None or not self.pay_button.isEnabled():
            return None
        dialog = PaymentDialog(self.context, self.opened.summary, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_paid.connect(self._on_payment_dialog_paid)
        dialog.open()
        return dialog

    def open_post(self) -> PostDialog | None:
        if self.opened is None or not self.post_button.isEnabled():
            return None
        dialog = PostDialog(self.context, self.opened, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_sent.connect(self._on_post_dialog_sent)
        dialog.open()
        return dialog

    def return_result(self) -> bool:
        if self.opened is None or self.busy or not self.return_button.isEnabled():
            return False
        code = self.opened.summary.code
        name, id_number = self.recipient_name_edit.text(), self.recipient_id_edit.text()
        authorised, note = self.authorised_check.isChecked(), self.authorisation_edit.text()
        if not normalize(name):
            self.status.show_message(
                describe_error(DomainError("intake.required", field=_("Full name"))), "error"
            )
            self.recipient_name_edit.setFocus()
            return False
        services, desk = self.context.services, desk_of(self.context)
        self.busy = True
        self._update_actions()
        self.status.show_message(_("Saving…"), "info")
        run_in_background(
            lambda: services.dossiers.return_result(
                code, desk, recipient_name=name, recipient_id=id_number, authorised=authorised,
                authorisation_note=note,
            ),
            self._on_return_done,
            self._on_return_failed,
            owner=self,
            name="return result",
        )
        return True

    def _on_return_done(self, summary: object) -> None:
        self.busy = False
        s: Any = summary
        self.status.show_message(
            _("Result of {code} returned to {name}.").format(code=s.code, name=self.recipient_name_edit.text()),
            "ok",
        )
        self.reload()

    def _on_return_failed(self, error: BaseException) -> None:
        self.busy = False
        self._update_actions()
        self.status.show_message(
            _("Not returned: {reason}").format(reason=describe_dossier_error(error)), "error"
        )

    def update_postal(self, status: str) -> None:
        item = re.sub(r"\s", "", self.item_edit.text()).upper()
        if not item or dossiers_of(self.context) is None:
            self.status.show_message(describe_error(DomainError("s10.empty")), "error")
            self.item_edit.setFocus()
            return
        services, desk = self.context.services, desk_of(self.context)

        def done(summary: object) -> None:
            s: Any = summary
            self.status.show_message(
                _("Postal item {item} of {code}: {status}.").format(
                    item=item, code=s.code, status=postal_status_text(status)
                ),
                "ok",
            )
            self.item_edit.clear()
            self.open_dossier(s.code)

        run_in_background(
            lambda: services.dossiers.postal_status(item, desk, status=status),
            done,
            lambda error: self.status.show_message(describe_dossier_error(error), "error"),
            owner=self,
            name="postal status",
        )

    # -- slots -----------------------------------------------------------------------------

    def _on_search_edit_return_pressed(self) -> None:
        self.search(self.search_edit.text())

    def _on_results_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_dossier(self.results_model.row_at(index.row()).code)

    def _on_authorised_check_toggled(self, checked: bool) -> None:
        self.authorisation_edit.setEnabled(checked)
        if checked:
            self.authorisation_edit.setFocus()

    def _on_applicant_button_clicked(self) -> None:
        if self.opened is None:
            return
        self.recipient_name_edit.setText(self.opened.summary.applicant_name)
        self.authorised_check.setChecked(False)
        self.recipient_id_edit.setFocus()

    def _on_pay_button_clicked(self) -> None:
        self.open_payment()

    def _on_payment_dialog_paid(self, result: object) -> None:
        r: Any = result
        self.status.show_message(
            _("Collected {amount}, slip {number}.").format(amount=money(r.total), number=r.receipt_number),
            "ok",
        )
        # the payment receipt the payment owes, committed with it (PaymentResult.print_jobs)
        print_owed_and_preview(
            self, self.context, r.print_jobs, on_failed=lambda text: self.status.show_message(text, "error")
        )
        self.reload()

    def _on_return_button_clicked(self) -> None:
        self.return_result()

    def _on_post_button_clicked(self) -> None:
        self.open_post()

    def _on_post_dialog_sent(self, summary: object, item_code: str) -> None:
        s: Any = summary
        self.status.show_message(
            _("Result of {code} sent by post as item {item}.").format(code=s.code, item=item_code), "ok"
        )
        self.reload()
        # the delivery label the sending owes, committed with it (the summary's print_jobs)
        print_owed_and_preview(
            self, self.context, s.print_jobs, on_failed=lambda text: self.status.show_message(text, "error")
        )

    def _on_view_button_clicked(self) -> None:
        if self.opened is not None:
            self.navigator.open_dossier(self.opened.summary.code, self)

    def _on_delivered_button_clicked(self) -> None:
        self.update_postal("delivered")

    def _on_returned_button_clicked(self) -> None:
        self.update_postal("returned")

    def _on_cash_button_clicked(self) -> None:
        if dossiers_of(self.context) is None:
            return
        dialog = CashSummaryDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.cash_dialog = dialog


def _stack(field: QWidget, note: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(note)
    return box
