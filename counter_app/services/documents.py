"""Plain data of the printed documents (forms Mẫu 01–07, labels, receipts); printing renders these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from counter_app.domain.catalog import Duration


class FormSet(StrEnum):
    """Which set of official forms a dossier prints with: the one in force when it was received."""

    CIRCULAR_03_2025 = "2025"  # Circular 03/2025/TT-VPCP, Mẫu 01–07, since 1 July 2025
    CIRCULAR_01_2018 = "2018"  # Circular 01/2018/TT-VPCP, Mẫu 01–06, before that


class DocumentKind(StrEnum):
    RECEIPT = "receipt"  # Mẫu 01 giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT = "supplement"  # Mẫu 02 phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"  # Mẫu 03 phiếu từ chối tiếp nhận giải quyết hồ sơ
    APOLOGY = "apology"  # Mẫu 04 văn bản xin lỗi và đề nghị gia hạn
    STOP = "stop"  # Mẫu 05 thông báo dừng giải quyết hồ sơ
    CONTROL = "control"  # Mẫu 06 phiếu kiểm soát quá trình giải quyết hồ sơ
    BOOK = "book"  # Mẫu 07 sổ theo dõi hồ sơ
    DELIVERY_LABEL = "delivery-label"  # nhãn bưu gửi chuyển phát kết quả (BCCI)
    PAYMENT_RECEIPT = "payment-receipt"  # biên lai thu phí, lệ phí
    HANDOVER = "handover"  # biên bản bàn giao hồ sơ cho cơ quan
    QUEUE_TICKET = "queue-ticket"  # phiếu số thứ tự of the kiosk (a print job only: keyed by the ticket id)


class ApplicantType(StrEnum):
    CITIZEN = "citizen"  # 1 công dân
    BUSINESS = "business"  # 2 doanh nghiệp
    STATE_BODY = "state_body"  # 3 cơ quan nhà nước
    OTHER = "other"  # 4 khác


class ResultDelivery(StrEnum):
    AT_COUNTER = "counter"
    BY_POST = "post"


class Timeliness(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issues the document: the header of every form."""

    authority_name: str  # e.g. "UBND TỈNH HÀ TĨNH" (the governing body above the centre)
    centre_name: str  # e.g. "Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh"
    centre_address: str = ""
    centre_phone: str = ""
    place_name: str = ""  # for the date line: "Hà Tĩnh, ngày … tháng … năm …"


@dataclass(frozen=True, slots=True)
class Applicant:
    type: ApplicantType
    name: str
    id_number: str = ""  # CCCD / CMND / passport / business code
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class ComponentReceived:
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


@dataclass(frozen=True, slots=True)
class PostalDelivery:
    receiver_name: str
    address: str
    phone: str
    item_code: str = ""  # UPU S10, e.g. EB123456785VN
    charge: int = 0  # đồng


@dataclass(frozen=True, slots=True)
class DossierDocument:
    """Everything the dossier forms Mẫu 01–06 print; fields a form doesn't use are ignored."""

    kind: DocumentKind
    form_set: FormSet
    issuer: Issuer
    dossier_code: str
    procedure_code: str
    procedure_name: str
    agency_name: str  # the lead agency that decides
    applicant: Applicant
    request_summary: str
    received_at: datetime
    printed_at: datetime  # the footer's "In lúc": a reprint changes only this
    staff_name: str  # the officer of the event that issued the form (receiving / guiding / recording)
    staff_phone: str = ""
    issued_at: datetime | None = None  # when the issuing event happened: the form's date (printed_at if None)
    agency_issuer: Issuer | None = None  # Mẫu 04 / 05: the deciding agency issues and signs its own letter
    counter_name: str = ""
    owner_name: str = ""  # dossier owner when not the applicant
    channel: str = "in_person"  # Channel value
    components: tuple[ComponentReceived, ...] = ()
    sets: int = 1
    duration: Duration | None = None
    appointment: datetime | None = None
    result_delivery: ResultDelivery = ResultDelivery.AT_COUNTER
    postal: PostalDelivery | None = None
    book_volume: str = ""  # tracking book volume (quyển số)
    book_number: str = ""  # entry number in the book (số)
    # Mẫu 02 supplement / Mẫu 03 refusal / Mẫu 04 apology / Mẫu 05 stop
    missing_components: tuple[str, ...] = ()
    reason: str = ""
    statutory_deadline: datetime | None = None  # Mẫu 04: the appointment being moved
    new_appointment: datetime | None = None  # Mẫu 04
    stop_requested_on: date | None = None  # Mẫu 05
    # Mẫu 06 control sheet
    control_rows: tuple[ControlRow, ...] = ()


@dataclass(frozen=True, slots=True)
class ControlRow:
    """One hand-off on the Mẫu 06 control sheet."""

    handed_by: str  # from (person / unit)
    received_by: str  # to (person / unit)
    handed_at: datetime
    timeliness: Timeliness | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class BookRow:
    """One line of the Mẫu 07 tracking book."""

    number: int
    dossier_code: str
    procedure_name: str
    sets: int
    applicant_name: str
    applicant_contact: str  # address / phone
    agency_name: str
    received_at: datetime
    appointment: datetime | None
    transferred_at: datetime | None = None
    result_back_at: datetime | None = None
    returned_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class TrackingBook:
    issuer: Issuer
    period_from: date
    period_to: date
    printed_at: datetime
    rows: tuple[BookRow, ...] = ()
    form_set: FormSet = FormSet.CIRCULAR_03_2025


@dataclass(frozen=True, slots=True)
class DeliveryLabel:
    """Label of a postal item carrying a result home (BCCI)."""

    item_code: str  # S10, printed as Code128
    sender: Issuer
    receiver_name: str
    receiver_address: str
    receiver_phone: str
    dossier_code: str
    charge: int
    printed_at: datetime
    note: str = ""
    receiver_id_number: str = ""  # printed masked (last 4 digits) for the postman's identity check


@dataclass(frozen=True, slots=True)
class PaymentLine:
    name: str
    amount: int  # đồng


@dataclass(frozen=True, slots=True)
class PaymentReceipt:
    receipt_number: str  # device prefix + sequence, unique without the network
    issuer: Issuer
    payer_name: str
    dossier_code: str
    lines: tuple[PaymentLine, ...]
    method: str  # cash | transfer
    paid_at: datetime
    staff_name: str
    counter_name: str = ""
    procedure_name: str = ""  # what the fees are for
    agency_name: str = ""  # the agency the fees are collected for (it issues the legal receipt)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True, slots=True)
class HandoverRecord:
    """Biên bản bàn giao: the batch of dossiers passed to one agency."""

    batch_code: str
    issuer: Issuer
    agency_name: str
    handed_at: datetime
    staff_name: str
    receiver_name: str = ""
    dossiers: tuple[BookRow, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class QueueTicketDocument:
    """A queue ticket from the kiosk (phiếu lấy số thứ tự)."""

    centre_name: str
    number: str  # "A012"
    line_name: str
    issued_at: datetime
    waiting_ahead: int
    estimated_wait_minutes: int
    priority_label: str = ""  # already worded, e.g. "Ưu tiên: người cao tuổi"
    qr_payload: str = ""  # e.g. "STT:A012:2026-11-30"
