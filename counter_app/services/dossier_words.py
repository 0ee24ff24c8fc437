"""Words for dossier statuses, events, documents and choices as the counter screens show them."""

from __future__ import annotations

from counter_app.domain.dossier import DossierStatus, EventType
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.i18n import N_, _, describe_error, with_log_note

_STATUS: dict[DossierStatus, str] = {
    DossierStatus.RECEIVED: N_("Received, waiting for hand-over"),
    DossierStatus.INCOMPLETE: N_("Incomplete: supplement requested at intake"),
    DossierStatus.REFUSED: N_("Refused at intake"),
    DossierStatus.PROCESSING: N_("At the agency"),
    DossierStatus.SUPPLEMENT_REQUESTED: N_("Agency asked for a supplement"),
    DossierStatus.RESULT_READY: N_("Result ready to return"),
    DossierStatus.RETURNED: N_("Result already returned"),
    DossierStatus.STOPPED: N_("Processing stopped"),
    DossierStatus.WITHDRAWN: N_("Withdrawn by the applicant"),
}

_EVENT: dict[EventType, str] = {
    EventType.RECEIVED: N_("Received (complete)"),
    EventType.INTAKE_INCOMPLETE: N_("Intake: incomplete"),
    EventType.INTAKE_REFUSED: N_("Intake: refused"),
    EventType.HANDED_OVER: N_("Handed over to the agency"),
    EventType.SUPPLEMENT_REQUESTED: N_("Supplement requested"),
    EventType.SUPPLEMENT_PROVIDED: N_("Supplement provided"),
    EventType.EXTENDED: N_("Apology and extension"),
    EventType.STOP_REQUESTED: N_("Stop requested"),
    EventType.WITHDRAWN: N_("Withdrawn"),
    EventType.RESULT_READY: N_("Result back from the agency"),
    EventType.RETURNED: N_("Result returned at the counter"),
    EventType.POSTAL_SENT: N_("Result sent by post"),
    EventType.POSTAL_DELIVERED: N_("Postal item delivered"),
    EventType.POSTAL_RETURNED: N_("Postal item returned to sender"),
    EventType.PAYMENT: N_("Payment"),
    EventType.PRINTED: N_("Printed"),
    EventType.NOTE: N_("Note"),
}

DOCUMENTS: dict[DocumentKind, str] = {
    DocumentKind.RECEIPT: N_("Form 01 — Receipt and appointment"),
    DocumentKind.SUPPLEMENT: N_("Form 02 — Request to supplement"),
    DocumentKind.REFUSAL: N_("Form 03 — Refusal"),
    DocumentKind.APOLOGY: N_("Form 04 — Apology and extension"),
    DocumentKind.STOP: N_("Form 05 — Notice of stopping"),
    DocumentKind.CONTROL: N_("Form 06 — Control sheet"),
    DocumentKind.BOOK: N_("Form 07 — Dossier tracking book"),
    DocumentKind.DELIVERY_LABEL: N_("Postal delivery label"),
    DocumentKind.PAYMENT_RECEIPT: N_("Internal cash slip (fees and charges)"),
    DocumentKind.HANDOVER: N_("Hand-over record"),
    DocumentKind.QUEUE_TICKET: N_("Queue ticket"),
}

APPLICANT_TYPES: tuple[tuple[str, str], ...] = (
    ("citizen", N_("Citizen")),
    ("business", N_("Business")),
    ("state_body", N_("State body")),
    ("other", N_("Other")),
)

_TIMELINESS: dict[str, str] = {
    "early": N_("Early"),
    "on_time": N_("On time"),
    "late": N_("Late"),
}

_METHODS: dict[str, str] = {"cash": N_("Cash"), "transfer": N_("Bank transfer")}

_POSTAL: dict[str, str] = {
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "returned": N_("Returned to sender"),
}


def status_text(status: DossierStatus | str) -> str:
    try:
        return _(_STATUS[DossierStatus(status)])
    except ValueError:
        return str(status)


def event_text(event: EventType | str) -> str:
    try:
        return _(_EVENT[EventType(event)])
    except ValueError:
        return str(event)


def document_text(kind: DocumentKind) -> str:
    return _(DOCUMENTS[kind])


def applicant_type_text(value: str) -> str:
    return next((_(label) for key, label in APPLICANT_TYPES if key == value), value)


def timeliness_text(value: str) -> str:
    return _(_TIMELINESS[value]) if value in _TIMELINESS else value


def method_text(value: str) -> str:
    return _(_METHODS[value]) if value in _METHODS else value


def postal_status_text(value: str) -> str:
    return _(_POSTAL[value]) if value in _POSTAL else value


def delivery_text(value: str) -> str:
    return _("By post (BCCI)") if value == "post" else _("At the counter")


def describe_dossier_error(error: BaseException) -> str:
    """``describe_error`` with statuses and steps in words instead of their code values."""
    if not isinstance(error, DomainError):
        return with_log_note(_("Something went wrong."))
    params = dict(error.params)
    if error.code.startswith("postal.") and isinstance(params.get("status"), str):
        params["status"] = postal_status_text(params["status"])
    elif isinstance(params.get("status"), str) and params["status"] in DossierStatus.__members__.values():
        params["status"] = status_text(params["status"])
    if isinstance(params.get("event"), str) and params["event"] in EventType.__members__.values():
        params["event"] = event_text(params["event"])
    return describe_error(DomainError(error.code, **params))
