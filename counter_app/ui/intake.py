"""Intake dialog: applicant, address, documents, result delivery, live appointment, then one of three outcomes."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.catalog import Channel
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.domain.identity import Gender, looks_like_cccd_qr, parse_cccd_qr
from counter_app.domain.text import normalize
from counter_app.services import intake_rules
from counter_app.services.addresses import AddressBook, Place, ReadAddress
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_words import APPLICANT_TYPES, describe_dossier_error
from counter_app.services.dossiers import IntakeComponent, IntakePayment, IntakeRequest
from counter_app.services.formatting import (
    format_amount,
    format_datetime,
    format_duration,
    format_money,
)
from counter_app.services.i18n import N_, _, describe_error, with_log_note
from counter_app.services.read_models import ProcedureGuide
from counter_app.ui.money_edit import MoneyEdit
from counter_app.ui.navigation import CounterContext
from counter_app.ui.office_hours_question import ask_out_of_hours, is_out_of_hours
from counter_app.ui.preview import print_and_preview, print_owed_and_preview
from counter_app.ui.tasks import run_in_background
from counter_app.ui.widgets import (
    FieldNote,
    StatusLine,
    add_shortcut,
    apply_dossier_style,
    desk_of,
    dossiers_of,
    today_of,
)

_log = logging.getLogger(__name__)

APPOINTMENT_REFRESH_MS = 60_000

FORM_OF_OUTCOME = {
    Outcome.COMPLETE: DocumentKind.RECEIPT,
    Outcome.INCOMPLETE: DocumentKind.SUPPLEMENT,
    Outcome.REFUSED: DocumentKind.REFUSAL,
}

# Field names the dossier service puts in "intake.required" / "intake.too_long" errors.
FIELD_WORDS: dict[str, str] = {
    "applicant_name": N_("Name of the applicant"),
    "id_number": N_("ID number"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "address_line": N_("House number, street, hamlet"),
    "owner_name": N_("Dossier owner (if not the applicant)"),
    "request_summary": N_("Request"),
    "delivery_receiver": N_("Receiver"),
    "delivery_address": N_("Delivery address"),
    "delivery_phone": N_("Receiver's phone"),
    "component": N_("Document"),
    "reason": N_("Reason"),
    "missing": N_("Documents to supplement"),
}


def field_error_words(error: DomainError) -> str:
    """Words of an intake error, the field it names in words ("id_number" → "ID number")."""
    params = dict(error.params)
    field = str(params.get("field", ""))
    if field in FIELD_WORDS:
        params["field"] = _(FIELD_WORDS[field])
    return describe_dossier_error(DomainError(error.code, **params))


def check_identity(
    applicant_type: str, text: str, today: date, *, birth_date: date | None = None, gender: str = ""
) -> tuple[str, str]:
    """Words and tone for the ID field as typed: ("", "") when empty, ("…", "ok"|"info"|"error").

    The dossier service's own check (services/intake_rules.py check_identity): a CCCD number is
    checked against the birth date and sex when they are known (from the card's QR or typed).
    """
    try:
        read = intake_rules.check_identity(applicant_type, text, today, birth_date=birth_date, gender=gender)
    except DomainError as error:
        # Still typing the twelve digits: say how many so far, without alarm.
        typing = error.code == "cccd.length" and int(error.params.get("length", 12)) < 12
        return field_error_words(error), "info" if typing else "error"
    if read.kind == "cmnd":
        return _("Old 9-digit identity card (CMND)."), "ok"
    if read.kind == "cccd" and read.cccd is not None:
        return (
            _("Valid CCCD · birth registered in {province} · born in {year}").format(
                province=read.cccd.province_name, year=read.cccd.birth_year
            ),
            "ok",
        )
    if read.kind == "passport":
        return _("Passport number."), "ok"
    return "", ""


@dataclass(frozen=True, slots=True)
class _ComponentInputs:
    name: str
    required: bool
    provided: QCheckBox
    originals: QSpinBox
    certified: QSpinBox
    photocopies: QSpinBox


class ReasonDialog(QDialog):
    """Why the dossier is not received: the reason and (for Mẫu 02) the documents to supplement."""

    sig_confirmed = Signal(str, list)  # reason, missing component names

    def __init__(
        self,
        title: str,
        prompt: str,
        confirm_text: str,
        missing: list[str] | None,
        parent: QWidget | None = None,
        *,
        reason: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        apply_dossier_style(self)
        self.setWindowTitle(title)
        self.setModal(True)
        heading = QLabel(title)
        heading.setObjectName("dialogHeading")
        self.reason_edit = QPlainTextEdit(reason)
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText(prompt)
        self.reason_note = FieldNote()
        self.missing_edit: QPlainTextEdit | None = None
        self.status = StatusLine()
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(QLabel(_("Reason (printed on the form):")))
        layout.addWidget(self.reason_edit, 1)
        layout.addWidget(self.reason_note)
        if missing is not None:
            self.missing_edit = QPlainTextEdit("\n".join(missing))
            self.missing_edit.setObjectName("missingEdit")
            self.missing_edit.setTabChangesFocus(True)
            layout.addWidget(QLabel(_("Documents to supplement, one per line:")))
            layout.addWidget(self.missing_edit, 1)
        layout.addWidget(self.status)
        self.confirm_button = QPushButton(confirm_text)
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setAutoDefault(False)
        self.cancel_button = QPushButton(_("Back (Esc)"))
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        add_shortcut(self, "Ctrl+Return", self._on_confirm_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_confirm_button_clicked)
        self.resize(640, 440 if missing is not None else 300)

    def reason(self) -> str:
        return self.reason_edit.toPlainText()

    def missing(self) -> list[str]:
        if self.missing_edit is None:
            return []
        return [line.strip() for line in self.missing_edit.toPlainText().splitlines() if line.strip()]

    def take_scan(self, code: str) -> None:
        self.status.show_message(
            _("Scanned {code} — finish or close the open dialog first.").format(code=code), "info"
        )
        parent = self.parentWidget()
        take = getattr(parent, "note_scan", None)
        if callable(take):
            take(code)

    def _on_confirm_button_clicked(self) -> None:
        if not normalize(self.reason()):
            self.reason_note.show_note(describe_error(DomainError("intake.reason_required")))
            self.reason_edit.setFocus()
            return
        self.sig_confirmed.emit(self.reason(), self.missing())
        self.accept()


class IntakeDialog(QDialog):
    """Receive one dossier of ``guide``'s procedure. One request key per dialog: Save twice, one dossier."""

    sig_saved = Signal(object)  # IntakeResult

    def __init__(
        self, context: CounterContext, guide: ProcedureGuide, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("intakeDialog")
        apply_dossier_style(self)
        self.setWindowTitle(_("Receive a dossier — {name}").format(name=guide.name))
        self.setModal(True)
        self.context = context
        self.guide = guide
        self.request_key = uuid.uuid4().hex  # made once: every Save of this dialog is the same request
        self.saving = False
        self.saved: Any = None
        self.out_of_hours_box: QMessageBox | None = None  # the out-of-hours question, while it is open
        self._pending_save: tuple[Any, Any, Any] | None = None  # (dossiers, request, desk) of the last Save
        self.outcome: Outcome | None = None
        self.reason = ""
        self.missing: list[str] = []
        self.scanned_while_busy: list[str] = []
        self._today = today_of(context)
        dossiers = dossiers_of(context)
        self._units = dossiers.units if dossiers is not None else None
        # 2025 units of all 34 provinces (the store's own units first), shared with the service's check
        book = getattr(dossiers, "address_book", None)
        self.addresses: AddressBook = book(self._today) if callable(book) else AddressBook(self._units, self._today)
        self.card_address = ""  # the address as printed on the last CCCD card scanned

        heading, meta = self._build_heading()
        applicant_box = self._build_applicant_box()
        components_box = self._build_components_box()
        self._build_summary_edit()
        delivery_box = self._build_delivery_box()
        scroll = self._build_form(applicant_box, components_box, delivery_box)
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(meta)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.appointment_label)
        layout.addWidget(self.status)
        layout.addWidget(self.busy_note)
        layout.addLayout(buttons)

        self._start_live_parts()
        self._connect_signals()

        self.resize(1280, 720)
        self.name_edit.setFocus()

    # -- building the dialog (in the order the widgets are made: it is the Tab order) -----------

    def _build_heading(self) -> tuple[QLabel, QLabel]:
        """The procedure's name and one line of code, agency, time limit and fees."""
        heading = QLabel(self.guide.name)
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        meta = QLabel(
            " · ".join(
                (
                    _("Code {code}").format(code=self.guide.code),
                    self.guide.agency_name,
                    format_duration(self.guide.duration),
                    _("Fees: {amount}").format(amount=format_money(self.guide.total_fee)),
                )
            )
        )
        meta.setObjectName("procedureMeta")
        meta.setWordWrap(True)
        return heading, meta

    def _build_applicant_fields(self) -> None:
        """The applicant's fields and the notes under them."""
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("applicantType")
        for key, label in APPLICANT_TYPES:
            self.type_combo.addItem(_(label), key)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("applicantName")
        self.name_note = FieldNote()
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("idNumber")
        self.id_edit.setPlaceholderText(_("12-digit CCCD, 9-digit CMND or passport"))
        self.id_note = FieldNote()
        self.birth_edit = QLineEdit()
        self.birth_edit.setObjectName("birthDate")
        self.birth_edit.setPlaceholderText(_("dd/mm/yyyy"))
        self.birth_edit.setMaxLength(10)
        self.sex_combo = QComboBox()
        self.sex_combo.setObjectName("sex")
        self.sex_combo.addItem(_("— not given —"), "")
        self.sex_combo.addItem(_("Male"), Gender.MALE.value)
        self.sex_combo.addItem(_("Female"), Gender.FEMALE.value)
        self.birth_note = FieldNote()
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("phone")
        self.phone_note = FieldNote()
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("email")
        self.email_note = FieldNote()
        self.province_combo = QComboBox()
        self.province_combo.setObjectName("province")
        self.commune_combo = QComboBox()
        self.commune_combo.setObjectName("commune")
        self.commune_search_edit = QLineEdit()
        self.commune_search_edit.setObjectName("communeSearch")
        self.commune_search_edit.setPlaceholderText(_("Find the commune by its name, accents optional"))
        self.commune_search_edit.setClearButtonEnabled(True)
        self.address_edit = QLineEdit()
        self.address_edit.setObjectName("addressLine")
        self.address_edit.setPlaceholderText(_("House number, street, hamlet"))
        self.address_note = FieldNote()
        self.owner_edit = QLineEdit()
        self.owner_edit.setObjectName("ownerName")
        self.owner_note = FieldNote()
        self.channel_counter_radio = QRadioButton(_("In person"))
        self.channel_post_radio = QRadioButton(_("By post (public postal service)"))
        self.channel_counter_radio.setChecked(True)
        self.channel_post_radio.setEnabled(self.guide.post_dossier)
        self._channel_group = QButtonGroup(self)
        self._channel_group.addButton(self.channel_counter_radio)
        self._channel_group.addButton(self.channel_post_radio)
        self.channel_note = FieldNote()

    def _build_applicant_box(self) -> QGroupBox:
        """Applicant: type, name, ID, birth date and sex, phone, e-mail, address, owner, channel."""
        self._build_applicant_fields()
        applicant_box = QGroupBox(_("Applicant"))
        form = QFormLayout(applicant_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("Applicant type"), self.type_combo)
        form.addRow(_("Full name *"), _stack(self.name_edit, self.name_note))
        form.addRow(_("ID number"), _stack(self.id_edit, self.id_note))
        birth_row = QHBoxLayout()
        birth_row.setContentsMargins(0, 0, 0, 0)
        birth_row.addWidget(self.birth_edit, 1)
        birth_row.addWidget(QLabel(_("Sex")))
        birth_row.addWidget(self.sex_combo)
        birth_box = QWidget()
        birth_box.setLayout(birth_row)
        form.addRow(_("Date of birth"), _stack(birth_box, self.birth_note))
        form.addRow(_("Phone"), _stack(self.phone_edit, self.phone_note))
        form.addRow(_("Email"), _stack(self.email_edit, self.email_note))
        form.addRow(_("Province"), self.province_combo)
        form.addRow(_("Commune / ward"), _stack(self.commune_search_edit, self.commune_combo))
        form.addRow(_("Address"), _stack(self.address_edit, self.address_note))
        form.addRow(_("Dossier owner"), _stack(self.owner_edit, self.owner_note))
        channel_row = QHBoxLayout()
        channel_row.addWidget(self.channel_counter_radio)
        channel_row.addWidget(self.channel_post_radio)
        channel_row.addStretch(1)
        channel_box = QWidget()
        channel_box.setLayout(channel_row)
        channel_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Submitted"), _stack(channel_box, self.channel_note))
        return applicant_box

    def _build_components_box(self) -> QGroupBox:
        """Documents received: one row per listed document with its counts, F4, the number of sets."""
        self.components: list[_ComponentInputs] = []
        components_box = QGroupBox(_("Documents received"))
        grid = QGridLayout(components_box)
        grid.setHorizontalSpacing(10)
        for column, title in enumerate(
            (_("Provided"), _("Document"), _("Original"), _("Certified copy"), _("Plain copy"))
        ):
            label = QLabel(title)
            label.setObjectName("columnHeading")
            grid.addWidget(label, 0, column)
        for row, line in enumerate(self.guide.components, start=1):
            check = QCheckBox()
            check.setObjectName(f"provided-{row}")
            name = QLabel(line.name + ("" if line.required else " " + _("(optional)")))
            name.setWordWrap(True)
            name.setBuddy(check)
            spins = [_count_spin(value) for value in (line.originals, line.certified_copies, line.photocopies)]
            grid.addWidget(check, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(name, row, 1)
            for offset, spin in enumerate(spins):
                grid.addWidget(spin, row, 2 + offset, Qt.AlignmentFlag.AlignTop)
            self.components.append(_ComponentInputs(line.name, line.required, check, *spins))
        grid.setColumnStretch(1, 1)
        self.all_received_button = QPushButton(_("All required documents received (F4)"))
        self.all_received_button.setAutoDefault(False)
        self.components_note = FieldNote()
        sets_row = QHBoxLayout()
        self.sets_spin = QSpinBox()
        self.sets_spin.setObjectName("sets")
        self.sets_spin.setRange(1, 99)
        self.sets_spin.setValue(1)
        sets_row.addWidget(self.all_received_button)
        sets_row.addStretch(1)
        sets_row.addWidget(QLabel(_("Number of sets")))
        sets_row.addWidget(self.sets_spin)
        grid.addLayout(sets_row, len(self.guide.components) + 1, 0, 1, 5)
        grid.addWidget(self.components_note, len(self.guide.components) + 2, 0, 1, 5)
        if not self.guide.components:
            grid.addWidget(QLabel(_("No documents are listed for this procedure.")), 1, 0, 1, 5)
        return components_box

    def _build_summary_edit(self) -> None:
        """What the applicant asks for (placed in the form by _build_form)."""
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setObjectName("requestSummary")
        self.summary_edit.setTabChangesFocus(True)
        self.summary_edit.setPlaceholderText(_("What the applicant asks for, in a few words"))
        self.summary_edit.setFixedHeight(self.fontMetrics().height() * 3 + 16)
        self.summary_note = FieldNote()

    def _build_delivery_box(self) -> QGroupBox:
        """Result delivery: at the counter or home delivery by post, with receiver, address and phone."""
        self.delivery_counter_radio = QRadioButton(_("At the counter"))
        self.delivery_post_radio = QRadioButton(_("Home delivery by post (BCCI)"))
        self.delivery_counter_radio.setChecked(True)
        self.delivery_post_radio.setEnabled(self.guide.post_result)
        self._delivery_group = QButtonGroup(self)
        self._delivery_group.addButton(self.delivery_counter_radio)
        self._delivery_group.addButton(self.delivery_post_radio)
        self.receiver_edit = QLineEdit()
        self.receiver_edit.setObjectName("deliveryReceiver")
        self.delivery_address_edit = QLineEdit()
        self.delivery_address_edit.setObjectName("deliveryAddress")
        self.delivery_phone_edit = QLineEdit()
        self.delivery_phone_edit.setObjectName("deliveryPhone")
        self.delivery_note = FieldNote()
        self.same_as_applicant_button = QPushButton(_("Same as the applicant (F6)"))
        self.same_as_applicant_button.setAutoDefault(False)
        delivery_box = QGroupBox(_("Result delivery"))
        delivery_form = QFormLayout(delivery_box)
        radios = QHBoxLayout()
        radios.addWidget(self.delivery_counter_radio)
        radios.addWidget(self.delivery_post_radio)
        radios.addStretch(1)
        delivery_form.addRow(radios)
        delivery_form.addRow(_("Receiver"), self.receiver_edit)
        delivery_form.addRow(_("Delivery address"), self.delivery_address_edit)
        delivery_form.addRow(_("Receiver's phone"), self.delivery_phone_edit)
        same_row = QHBoxLayout()
        same_row.addWidget(self.delivery_note, 1)
        same_row.addWidget(self.same_as_applicant_button)
        delivery_form.addRow(same_row)
        return delivery_box

    def _build_form(self, applicant_box: QGroupBox, components_box: QGroupBox, delivery_box: QGroupBox) -> QScrollArea:
        """Two scrolling columns: applicant and request; documents, delivery and the fee due on filing."""
        dossier_box = QWidget()
        right = QVBoxLayout(dossier_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(components_box)
        right.addWidget(delivery_box)
        self.fee_box = self._fee_box()
        if self.fee_box is not None:
            right.addWidget(self.fee_box)
        right.addStretch(1)
        summary_box = QGroupBox(_("Request"))
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary_edit)
        summary_layout.addWidget(self.summary_note)
        applicant_column = QWidget()
        left = QVBoxLayout(applicant_column)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(applicant_box)
        left.addWidget(summary_box)
        left.addStretch(1)

        self.form_box = QWidget()
        self.form_box.setObjectName("intakeForm")
        columns = QHBoxLayout(self.form_box)
        columns.setContentsMargins(0, 0, 6, 0)
        columns.addWidget(applicant_column, 5)
        columns.addWidget(dossier_box, 6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form_box)
        return scroll

    def _build_buttons(self) -> QHBoxLayout:
        """The appointment line, the status line, the busy note and the three outcomes + Cancel."""
        self.appointment_label = QLabel()
        self.appointment_label.setObjectName("appointment")
        self.appointment_label.setWordWrap(True)
        self.status = StatusLine()
        self.busy_note = QLabel()
        self.busy_note.setObjectName("busyNote")
        self.busy_note.setWordWrap(True)
        self.busy_note.hide()
        self.complete_button = QPushButton(_("Receive (complete) — Ctrl+Enter"))
        self.complete_button.setObjectName("primary")
        self.incomplete_button = QPushButton(_("Dossier incomplete… (F7)"))
        self.refuse_button = QPushButton(_("Refuse… (F8)"))
        self.cancel_button = QPushButton(_("Cancel (Esc)"))
        for button in (self.complete_button, self.incomplete_button, self.refuse_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setMinimumHeight(40)
        buttons = QHBoxLayout()
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.incomplete_button)
        buttons.addWidget(self.refuse_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        return buttons

    def _start_live_parts(self) -> None:
        """Provinces and communes, the delivery fields, and the appointment refreshed every minute."""
        self._fill_provinces()
        self._on_delivery_toggled()
        self._appointment_timer = QTimer(self)
        self._appointment_timer.setInterval(APPOINTMENT_REFRESH_MS)
        self._appointment_timer.timeout.connect(self.refresh_appointment)
        self._appointment_timer.start()
        self.refresh_appointment()

    def _connect_signals(self) -> None:
        """Live field checks, address choices, buttons and their keys."""
        self.type_combo.currentIndexChanged.connect(self._on_id_edit_text_changed)
        self.id_edit.textChanged.connect(self._on_id_edit_text_changed)
        self.id_edit.editingFinished.connect(self._on_id_edit_editing_finished)
        self.phone_edit.editingFinished.connect(self._on_phone_edit_editing_finished)
        self.email_edit.editingFinished.connect(self._on_email_edit_editing_finished)
        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)
        self.province_combo.currentIndexChanged.connect(self._on_province_combo_changed)
        self.commune_search_edit.textEdited.connect(self._on_commune_search_edit_text_edited)
        self.birth_edit.editingFinished.connect(self._on_id_edit_editing_finished)
        self.sex_combo.currentIndexChanged.connect(self._on_id_edit_editing_finished)
        self.delivery_post_radio.toggled.connect(self._on_delivery_toggled)
        self.same_as_applicant_button.clicked.connect(self._on_same_as_applicant_button_clicked)
        self.all_received_button.clicked.connect(self._on_all_received_button_clicked)
        self.complete_button.clicked.connect(self._on_complete_button_clicked)
        self.incomplete_button.clicked.connect(self._on_incomplete_button_clicked)
        self.refuse_button.clicked.connect(self._on_refuse_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        add_shortcut(self, "Ctrl+Return", self._on_complete_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_complete_button_clicked)
        add_shortcut(self, "F7", self._on_incomplete_button_clicked)
        add_shortcut(self, "F8", self._on_refuse_button_clicked)
        add_shortcut(self, "F6", self._on_same_as_applicant_button_clicked)
        add_shortcut(self, "F4", self._on_all_received_button_clicked)


    # -- units -----------------------------------------------------------------------------

    def _fill_provinces(self) -> None:
        """All 34 provinces (2025), the centre's own first; the commune list follows the choice."""
        self.province_combo.blockSignals(True)
        self.province_combo.clear()
        for place in self.addresses.provinces():
            self.province_combo.addItem(place.name, place)
        self.province_combo.blockSignals(False)
        self._on_province_combo_changed()

    def province(self) -> Place | None:
        data = self.province_combo.currentData()
        return data if isinstance(data, Place) else None

    def commune(self) -> Place | None:
        data = self.commune_combo.currentData()
        return data if isinstance(data, Place) else None

    def communes_of(self, province: Place) -> list[Place]:
        """Communes, wards and special zones of a province valid today (store units and the national list)."""
        return self.addresses.communes(province)

    def _fill_communes(self, places: list[Place], keep: Place | None = None) -> None:
        self.commune_combo.clear()
        self.commune_combo.addItem(_("— choose —"), None)
        for place in places:
            self.commune_combo.addItem(place.name, place)
            if keep is not None and place == keep:
                self.commune_combo.setCurrentIndex(self.commune_combo.count() - 1)

    def _on_province_combo_changed(self, _index: int = 0) -> None:
        province = self.province()
        self.commune_search_edit.clear()
        self._fill_communes(self.communes_of(province) if province else [])

    def _on_commune_search_edit_text_edited(self, text: str) -> None:
        """Typing "thanh sen" (no "phường", no accents) narrows the list and picks the first match."""
        province = self.province()
        if province is None:
            return
        found = self.addresses.search_communes(province, text)
        self._fill_communes(found, keep=self.commune() if not normalize(text) else None)
        if normalize(text) and found:
            self.commune_combo.setCurrentIndex(1)

    def select_province(self, province: Place) -> bool:
        for index in range(self.province_combo.count()):
            data = self.province_combo.itemData(index)
            if isinstance(data, Place) and (data.code, data.unit_id) == (province.code, province.unit_id):
                self.province_combo.setCurrentIndex(index)
                return True
        return False

    def select_commune(self, name: str) -> bool:
        """Pick a commune by its name as shown ("phường Thành Sen"); False if it is not listed."""
        if self.commune_search_edit.text():
            self.commune_search_edit.clear()
            self._on_commune_search_edit_text_edited("")
        index = self.commune_combo.findText(name)
        if index < 0:
            return False
        self.commune_combo.setCurrentIndex(index)
        return True

    # -- appointment -----------------------------------------------------------------------

    def refresh_appointment(self) -> None:
        dossiers = dossiers_of(self.context)
        try:
            if dossiers is None:
                raise DomainError("catalog.unknown_procedure", code=self.guide.code)
            moment = dossiers.preview_appointment(self.guide.code, self.context.session.centre_id)
        except DomainError as error:
            self.appointment_label.setText(describe_error(error))
            return
        self.appointment_label.setText(
            _("If received now, the appointment is: {appointment}").format(
                appointment=format_datetime(moment)
            )
        )

    # -- live checks -----------------------------------------------------------------------

    def applicant_type(self) -> str:
        return str(self.type_combo.currentData())

    def birth_date(self) -> date | None:
        """The date of birth typed or read from the card; None when empty or not a date."""
        text = re.sub(r"\s", "", self.birth_edit.text())
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if match is None:
            return None
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None

    def gender(self) -> str:
        return str(self.sex_combo.currentData() or "")

    def _check_identity(self) -> tuple[str, str]:
        if self.birth_edit.text().strip() and self.birth_date() is None:
            self.birth_note.show_note(_("Type the date of birth as dd/mm/yyyy, e.g. 15/03/2001."))
        else:
            self.birth_note.clear_note()
        return check_identity(
            self.applicant_type(), self.id_edit.text(), self._today, birth_date=self.birth_date(), gender=self.gender()
        )

    def _on_id_edit_text_changed(self, *_args: object) -> None:
        text, tone = self._check_identity()
        if tone == "info" and not self.id_edit.hasFocus():
            tone = "error"
        self.id_note.show_note(text, tone)

    def _on_id_edit_editing_finished(self, *_args: object) -> None:
        text, tone = self._check_identity()
        self.id_note.show_note(text, "error" if tone == "info" else tone)

    def _on_phone_edit_editing_finished(self) -> None:
        self._check_phone(self.phone_edit, self.phone_note)

    def _on_email_edit_editing_finished(self) -> None:
        self._check_email()

    def _on_name_edit_text_changed(self, _text: str) -> None:
        if normalize(self.name_edit.text()):
            self.name_note.clear_note()

    def _check_phone(self, edit: QLineEdit, note: FieldNote, field: str = "phone") -> bool:
        """The service's own phone rule (intake_rules.check_phone); a valid number is shown as saved."""
        try:
            phone = intake_rules.check_phone(edit.text(), field)
        except DomainError as error:
            note.show_note(field_error_words(error))
            return False
        if phone and phone != edit.text():
            edit.setText(phone)
        note.clear_note()
        return True

    def _check_email(self) -> bool:
        """The service's own e-mail rule (intake_rules.check_email)."""
        try:
            intake_rules.check_email(self.email_edit.text())
        except DomainError as error:
            self.email_note.show_note(field_error_words(error))
            return False
        self.email_note.clear_note()
        return True

    def _check_name(self) -> bool:
        """The service's own rule for the applicant's name (intake_rules.clean_text)."""
        try:
            intake_rules.clean_text(self.name_edit.text(), "applicant_name", intake_rules.MAX_NAME, required=True)
        except DomainError as error:
            self.name_note.show_note(field_error_words(error))
            return False
        return True

    def check_fields(self, outcome: Outcome) -> QWidget | None:
        """Check what can be checked here; show the words under each field. The first bad field."""
        bad: list[QWidget] = []
        if not self._check_name():
            bad.append(self.name_edit)
        text, tone = self._check_identity()
        if tone in ("error", "info"):
            self.id_note.show_note(text, "error")
            bad.append(self.id_edit)
        if not self._check_phone(self.phone_edit, self.phone_note):
            bad.append(self.phone_edit)
        if not self._check_email():
            bad.append(self.email_edit)
        if self.delivery_post_radio.isChecked():
            if not self._check_delivery_filled():
                bad.append(self.receiver_edit)
            elif not self._check_delivery_address():
                bad.append(self.delivery_address_edit)
            elif not self._check_phone(self.delivery_phone_edit, self.delivery_note, "delivery_phone"):
                bad.append(self.delivery_phone_edit)
            else:
                self.delivery_note.clear_note()
        if outcome is Outcome.COMPLETE:
            provided = [IntakeComponent(c.name, provided=c.provided.isChecked()) for c in self.components]
            try:
                intake_rules.check_components_received(provided, {c.name for c in self.components if c.required})
                self.components_note.clear_note()
            except DomainError as error:
                self.components_note.show_note(field_error_words(error))
                first = next(c for c in self.components if c.required and not c.provided.isChecked())
                bad.append(first.provided)
        if outcome is Outcome.COMPLETE and self.collects_fee():
            try:
                self.fee_amount_edit.amount()
                self.fee_note.clear_note()
            except DomainError as error:
                self.fee_note.show_note(describe_error(error))
                bad.append(self.fee_amount_edit)
        return bad[0] if bad else None

    # -- building the request --------------------------------------------------------------

    def unticked_components(self) -> list[str]:
        """What Mẫu 02 asks for: the required documents not ticked; never optional ones."""
        return [c.name for c in self.components if c.required and not c.provided.isChecked()]

    def intake_request(self, outcome: Outcome, reason: str = "", missing: list[str] | None = None) -> IntakeRequest:
        post = self.delivery_post_radio.isChecked()
        return IntakeRequest(
            request_key=self.request_key,
            procedure_code=self.guide.code,
            outcome=outcome,
            applicant_type=self.applicant_type(),
            applicant_name=self.name_edit.text(),
            id_number=self.id_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            province_unit_id=self.province().unit_id if self.province() else None,
            commune_unit_id=self.commune().unit_id if self.commune() else None,
            province_code=self.province().code if self.province() else "",
            commune_code=self.commune().code if self.commune() else "",
            birth_date=self.birth_date(),
            gender=self.gender(),
            address_line=self.address_edit.text(),
            owner_name=self.owner_edit.text(),
            channel=(Channel.POST if self.channel_post_radio.isChecked() else Channel.IN_PERSON).value,
            components=tuple(
                IntakeComponent(
                    c.name, c.originals.value(), c.certified.value(), c.photocopies.value(), c.provided.isChecked()
                )
                for c in self.components
            ),
            sets=self.sets_spin.value(),
            request_summary=self.summary_edit.toPlainText(),
            result_delivery="post" if post else "counter",
            delivery_receiver=self.receiver_edit.text() if post else "",
            delivery_address=self.delivery_address_edit.text() if post else "",
            delivery_phone=self.delivery_phone_edit.text() if post else "",
            reason=reason,
            missing_components=tuple(missing or ()),
            payment=self.intake_payment() if outcome is Outcome.COMPLETE else None,
        )

    # -- fee due on filing -----------------------------------------------------------------

    def _fee_box(self) -> QGroupBox | None:
        """Cash or transfer, amount pre-filled: shown only when the procedure's fee is due on filing."""
        dossiers = dossiers_of(self.context)
        self.fees_on_filing: tuple[tuple[str, int], ...] = ()
        if dossiers is not None:
            try:
                self.fees_on_filing = tuple(dossiers.fees_on_filing(self.guide.code))
            except DomainError as error:
                _log.warning("fees on filing of %s: %s", self.guide.code, error)
        if not self.fees_on_filing:
            return None
        box = QGroupBox(_("Fee due on filing"))
        box.setObjectName("feeBox")
        self.fee_lines_label = QLabel(
            "\n".join(f"{name}: {format_amount(amount)}" for name, amount in self.fees_on_filing)
        )
        self.fee_lines_label.setObjectName("feeLines")
        self.fee_lines_label.setWordWrap(True)
        self.collect_fee_check = QCheckBox(_("Collect it now, with the dossier"))
        self.collect_fee_check.setObjectName("collectFee")
        self.collect_fee_check.setChecked(True)
        self.fee_amount_edit = MoneyEdit(sum(amount for _name, amount in self.fees_on_filing))
        self.fee_amount_edit.setObjectName("feeAmount")
        self.fee_note = FieldNote()
        self.fee_cash_radio = QRadioButton(_("Cash"))
        self.fee_transfer_radio = QRadioButton(_("Bank transfer"))
        self.fee_cash_radio.setChecked(True)
        self._fee_method_group = QButtonGroup(self)
        self._fee_method_group.addButton(self.fee_cash_radio)
        self._fee_method_group.addButton(self.fee_transfer_radio)
        methods = QHBoxLayout()
        methods.setContentsMargins(0, 0, 0, 0)
        methods.addWidget(self.fee_cash_radio)
        methods.addWidget(self.fee_transfer_radio)
        methods.addStretch(1)
        methods_box = QWidget()
        methods_box.setLayout(methods)
        form = QFormLayout(box)
        form.addRow(self.fee_lines_label)
        form.addRow(self.collect_fee_check)
        form.addRow(_("Amount"), _stack(self.fee_amount_edit, self.fee_note))
        form.addRow(_("Payment method"), methods_box)
        self.collect_fee_check.toggled.connect(self._on_collect_fee_check_toggled)
        return box

    def collects_fee(self) -> bool:
        return self.fee_box is not None and self.collect_fee_check.isChecked()

    def intake_payment(self) -> IntakePayment | None:
        if not self.collects_fee():
            return None
        amount = self.fee_amount_edit.amount_or_none()
        if amount is None:
            return None
        return IntakePayment(amount, "transfer" if self.fee_transfer_radio.isChecked() else "cash")

    def _on_collect_fee_check_toggled(self, checked: bool) -> None:
        for widget in (self.fee_amount_edit, self.fee_cash_radio, self.fee_transfer_radio):
            widget.setEnabled(checked)
        if not checked:
            self.fee_note.show_note(_("The fee stays due: collect it before the result is returned."), "info")
        else:
            self.fee_note.clear_note()

    def applicant_address(self) -> str:
        parts = [normalize(self.address_edit.text())]
        if self.commune_combo.currentData():
            parts.append(self.commune_combo.currentText())
        if self.province_combo.currentData():
            parts.append(self.province_combo.currentText())
        return ", ".join(p for p in parts if p)

    def is_dirty(self) -> bool:
        texts = (
            self.name_edit.text(), self.id_edit.text(), self.phone_edit.text(), self.email_edit.text(),
            self.address_edit.text(), self.summary_edit.toPlainText(), self.receiver_edit.text(),
        )
        return any(t.strip() for t in texts) or any(c.provided.isChecked() for c in self.components)

    # -- saving ----------------------------------------------------------------------------

    def save(self, outcome: Outcome, reason: str = "", missing: list[str] | None = None) -> bool:
        """Check, then receive in the background. False when refused here (nothing was sent)."""
        if self.saving or self.saved is not None:
            return False
        first_bad = self.check_fields(outcome)
        if first_bad is not None:
            self.status.show_message(_("Check the fields marked in red."), "error")
            first_bad.setFocus()
            return False
        dossiers = dossiers_of(self.context)
        if dossiers is None:
            return False
        request = self.intake_request(outcome, reason, missing)
        desk = desk_of(self.context)
        self.outcome, self.reason, self.missing = outcome, reason, list(missing or [])
        self._submit(dossiers, request, desk, out_of_hours_confirmed=False)
        return True

    def _submit(self, dossiers: Any, request: Any, desk: Any, *, out_of_hours_confirmed: bool) -> None:
        self._pending_save = (dossiers, request, desk)
        self._set_saving(True)
        confirmed = {"out_of_hours_confirmed": True} if out_of_hours_confirmed else {}
        run_in_background(
            lambda: dossiers.receive(request, desk, **confirmed),
            self._on_save_done,
            self._on_save_failed,
            owner=self,
            name="receive dossier",
        )

    def _on_out_of_hours_answered(self, go_on: bool) -> None:
        """The clerk's answer to the out-of-hours question: Yes saves (recorded), No saves nothing."""
        self.out_of_hours_box = None
        pending = self._pending_save
        if go_on and pending is not None:
            self._submit(*pending, out_of_hours_confirmed=True)
        else:
            self.status.show_message(_("Not saved: outside office hours."), "error")

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        for button in (self.complete_button, self.incomplete_button, self.refuse_button, self.cancel_button):
            button.setEnabled(not saving)
        self.form_box.setEnabled(not saving)
        if saving:
            self.status.show_message(_("Saving…"), "info")

    def _on_save_done(self, result: object) -> None:
        self._set_saving(False)
        self.saved = result
        code = getattr(result, "code", "")
        receipt = getattr(result, "receipt_number", "")
        if receipt:
            self.status.show_message(
                _("Saved: dossier {code}. Collected {amount}, slip {number}.").format(
                    code=code, amount=format_amount(getattr(result, "paid", 0)), number=receipt
                ),
                "ok",
            )
        else:
            self.status.show_message(_("Saved: dossier {code}.").format(code=code), "ok")
        self.sig_saved.emit(result)
        owner = self.parentWidget() or self
        assert self.outcome is not None
        owed = getattr(result, "print_jobs", ())
        if owed:  # the service decided what this intake owes the printer, committed with the dossier
            print_owed_and_preview(owner, self.context, owed)
        else:  # the same request saved before (a retry): print its papers again
            print_and_preview(owner, self.context, FORM_OF_OUTCOME[self.outcome], code)
            if receipt:
                print_and_preview(owner, self.context, DocumentKind.PAYMENT_RECEIPT, receipt)
        self.accept()

    def _on_save_failed(self, error: BaseException) -> None:
        self._set_saving(False)
        if not isinstance(error, DomainError):
            self.status.show_message(
                with_log_note(_("The dossier was not saved because of an unexpected error. Nothing you typed was "
                                "lost; try again.")),
                "error",
            )
            return
        if is_out_of_hours(error) and self._pending_save is not None:
            self.status.show_message(_("Outside office hours: confirm or cancel."), "info")
            self.out_of_hours_box = ask_out_of_hours(
                self, error, _("Receive this dossier outside office hours?"), self._on_out_of_hours_answered
            )
            return
        self.show_service_error(error)

    def show_service_error(self, error: DomainError) -> None:
        """The words of a refusal next to the field it is about, or in the status line."""
        field = str(error.params.get("field", ""))
        text = field_error_words(error)
        notes: dict[str, tuple[FieldNote, QWidget]] = {
            "applicant_name": (self.name_note, self.name_edit),
            "id_number": (self.id_note, self.id_edit),
            "phone": (self.phone_note, self.phone_edit),
            "email": (self.email_note, self.email_edit),
            "address_line": (self.address_note, self.address_edit),
            "owner_name": (self.owner_note, self.owner_edit),
            "request_summary": (self.summary_note, self.summary_edit),
            "delivery_receiver": (self.delivery_note, self.receiver_edit),
            "delivery_address": (self.delivery_note, self.delivery_address_edit),
            "delivery_phone": (self.delivery_note, self.delivery_phone_edit),
            "component": (self.components_note, self.sets_spin),
        }
        target: tuple[FieldNote, QWidget] | None = notes.get(field)
        code = error.code
        if code.startswith(("cccd.", "cmnd.", "passport.")):
            target = notes["id_number"]
        elif code == "intake.bad_phone":
            bad_delivery = str(error.params.get("value", "")) == self.delivery_phone_edit.text()
            target = notes["delivery_phone" if bad_delivery else "phone"]
        elif code == "phone.invalid":
            target = notes["delivery_phone" if error.params.get("field") == "delivery_phone" else "phone"]
        elif code == "address.incomplete":
            target = notes["delivery_address"]
        elif code == "address.unknown_unit":
            target = (self.address_note, self.commune_combo)
        elif code == "intake.bad_email":
            target = notes["email"]
        elif code in ("intake.delivery_incomplete", "intake.post_result_not_allowed"):
            target = (self.delivery_note, self.delivery_post_radio)
        elif code in ("intake.components_missing", "intake.bad_count", "intake.bad_sets"):
            target = (self.components_note, self.sets_spin)
        elif code == "intake.post_not_allowed":
            target = (self.channel_note, self.channel_counter_radio)
        elif code.startswith("payment.") and self.fee_box is not None:
            target = (self.fee_note, self.fee_amount_edit)
        if target is not None:
            target[0].show_note(text)
            target[1].setFocus()
            self.status.show_message(_("Not saved: {reason}").format(reason=text), "error")
        else:
            self.status.show_message(_("Not saved: {reason}").format(reason=text), "error")

    # -- scans -----------------------------------------------------------------------------

    def take_scan(self, code: str) -> None:
        """The CCCD card's QR fills the applicant; any other scan never touches the form: it is noted."""
        if looks_like_cccd_qr(code):
            self.fill_from_card(code)
            return
        self.note_scan(code)
        self.status.show_message(
            _("Scanned {code} — finish or close the open dialog first.").format(code=code), "info"
        )

    def fill_from_card(self, payload: str) -> bool:
        """Number, name, birth date, sex and address from a chip-based CCCD card's QR; False when unreadable."""
        if self.saving or self.saved is not None:
            return False
        try:
            card = parse_cccd_qr(payload)
        except DomainError as error:
            self.status.show_message(describe_error(error), "error")
            return False
        index = self.type_combo.findData("citizen")
        if index >= 0:
            self.type_combo.setCurrentIndex(index)
        self.name_edit.setText(card.full_name)
        self.birth_edit.setText(f"{card.birth_date.day:02d}/{card.birth_date.month:02d}/{card.birth_date.year:04d}")
        self.sex_combo.setCurrentIndex(max(0, self.sex_combo.findData(card.gender.value)))
        self.id_edit.setText(card.number)
        self._on_id_edit_editing_finished()  # the CCCD cross-check with the card's birth date and sex
        self.card_address = card.address
        read = self.addresses.read(card.address)
        self.apply_address(read)
        if read.needs_conversion:
            self.address_note.show_note(
                _("The card shows an address from before 1 July 2025; looking up its new commune…"), "info"
            )
            book, text = self.addresses, card.address
            run_in_background(
                lambda: book.convert_pre_2025(text),
                self._on_card_address_converted,
                self._on_card_address_failed,
                owner=self,
                name="convert a pre-2025 address",
            )
        self.status.show_message(
            _("Filled in from the CCCD card of {name}. Check the details with the citizen.").format(name=card.full_name),
            "ok",
        )
        self.phone_edit.setFocus()
        return True

    def apply_address(self, read: ReadAddress) -> None:
        """Province, commune and street line from an address read into 2025 units."""
        if read.province is not None:
            self.select_province(read.province)
        if read.commune is not None:
            self.select_commune(read.commune.name)
        self.address_edit.setText(read.street)
        if read.converted_from:
            self.address_note.show_note(
                _("Converted from the address on the card (before 1 July 2025): {old}. Confirm it with the citizen.").format(
                    old=read.converted_from
                ),
                "info",
            )
        elif read.commune is None and normalize(self.card_address) and not read.needs_conversion:
            self.address_note.show_note(
                _("The commune on the card is not in the list of communes since 1 July 2025: it stays in the address "
                  "line. Choose the commune with the citizen."),
                "info",
            )
        else:
            self.address_note.clear_note()

    def _on_card_address_converted(self, read: object) -> None:
        if isinstance(read, ReadAddress) and self.saved is None:
            self.apply_address(read)

    def _on_card_address_failed(self, error: BaseException) -> None:
        self.address_note.show_note(
            _("The address on the card could not be converted; it stays in the address line. Choose the commune "
              "with the citizen."),
            "info",
        )

    def _check_delivery_filled(self) -> bool:
        """Home delivery needs a receiver, an address and a phone: the service's own rule."""
        try:
            intake_rules.check_delivery_filled(
                self.receiver_edit.text(), self.delivery_address_edit.text(), self.delivery_phone_edit.text()
            )
        except DomainError as error:
            self.delivery_note.show_note(field_error_words(error))
            return False
        return True

    def _check_delivery_address(self) -> bool:
        """Home delivery needs street + commune + province: the service's own rule."""
        try:
            intake_rules.check_delivery_address(self.delivery_address_edit.text(), self.addresses)
        except DomainError as error:
            self.delivery_note.show_note(describe_error(error))
            return False
        return True

    def note_scan(self, code: str) -> None:
        if code not in self.scanned_while_busy:
            self.scanned_while_busy.append(code)
        self.busy_note.setText(
            _("Scanned while this dialog was open (kept for later): {codes}").format(
                codes=", ".join(self.scanned_while_busy)
            )
        )
        self.busy_note.show()

    # -- slots -----------------------------------------------------------------------------

    def _on_delivery_toggled(self, *_args: object) -> None:
        post = self.delivery_post_radio.isChecked()
        for widget in (self.receiver_edit, self.delivery_address_edit, self.delivery_phone_edit, self.same_as_applicant_button):
            widget.setEnabled(post)
        if not post:
            self.delivery_note.clear_note()

    def _on_same_as_applicant_button_clicked(self) -> None:
        if not self.delivery_post_radio.isChecked():
            if not self.delivery_post_radio.isEnabled():
                return
            self.delivery_post_radio.setChecked(True)
        self.receiver_edit.setText(normalize(self.name_edit.text()))
        self.delivery_address_edit.setText(self.applicant_address())
        self.delivery_phone_edit.setText(self.phone_edit.text().strip())
        self.delivery_note.clear_note()

    def _on_all_received_button_clicked(self) -> None:
        for c in self.components:  # optional documents are ticked one by one, when they are brought
            if c.required:
                c.provided.setChecked(True)
        self.components_note.clear_note()

    def _on_complete_button_clicked(self) -> None:
        self.save(Outcome.COMPLETE)

    def _on_incomplete_button_clicked(self) -> None:
        if self.saving or self.saved is not None:
            return
        dialog = ReasonDialog(
            _("Dossier incomplete — request to supplement (Form 02)"),
            _("Why the dossier cannot be received yet"),
            _("Save and print Form 02 (Ctrl+Enter)"),
            self.unticked_components(),
            self,
            reason=self.reason if self.outcome is Outcome.INCOMPLETE else "",
        )
        dialog.sig_confirmed.connect(self._on_incomplete_dialog_confirmed)
        dialog.open()
        self.reason_dialog = dialog

    def _on_incomplete_dialog_confirmed(self, reason: str, missing: list[str]) -> None:
        self.reason = reason
        self.outcome = Outcome.INCOMPLETE
        self.save(Outcome.INCOMPLETE, reason, missing)

    def _on_refuse_button_clicked(self) -> None:
        if self.saving or self.saved is not None:
            return
        dialog = ReasonDialog(
            _("Refuse the dossier (Form 03)"),
            _("Why this centre cannot accept the dossier"),
            _("Save and print Form 03 (Ctrl+Enter)"),
            None,
            self,
            reason=self.reason if self.outcome is Outcome.REFUSED else "",
        )
        dialog.sig_confirmed.connect(self._on_refuse_dialog_confirmed)
        dialog.open()
        self.reason_dialog = dialog

    def _on_refuse_dialog_confirmed(self, reason: str, _missing: list[str]) -> None:
        self.reason = reason
        self.outcome = Outcome.REFUSED
        self.save(Outcome.REFUSED, reason)

    # -- Qt --------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter moves to the next field (as on paper forms); it never saves by accident.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.saving:
            return  # the save in flight decides; closing now would hide its answer
        if self.saved is None and self.is_dirty() and not self._confirm_discard():
            return
        self._appointment_timer.stop()
        super().reject()

    def _confirm_discard(self) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Close the intake?"))
        box.setText(_("What you typed will be lost. Close the intake anyway?"))
        close = box.addButton(_("Close and discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Keep typing"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is close

    def done(self, result: int) -> None:
        self._appointment_timer.stop()
        super().done(result)


def _stack(field: QWidget, note: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(note)
    return box


def _count_spin(value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, 99)
    spin.setValue(value)
    spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.PlusMinus)
    spin.setMinimumWidth(64)
    return spin


def open_intake(parent: QWidget, context: CounterContext, guide: ProcedureGuide) -> IntakeDialog:
    """Open the intake dialog for ``guide``'s procedure (non-blocking, modal to its window)."""
    dialog = IntakeDialog(context, guide, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
