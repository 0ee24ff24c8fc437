"""The checks of a dossier intake, in one place.

``DossierService.receive`` runs ``validate_intake`` on the whole request; the intake dialog
(ui/intake.py) runs the same per-field checks as the clerk types, so a value is refused with the
same error code and words in both places. Every check raises ``DomainError``; field names in the
``field`` parameter are the request's attribute names ("applicant_name", "id_number", …).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from counter_app.domain.catalog import Channel, Procedure
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.domain.identity import (
    CccdInfo,
    Gender,
    validate_cccd,
    validate_cmnd,
    validate_passport,
    validate_phone,
)
from counter_app.domain.text import normalize
from counter_app.services.addresses import (
    AddressBook,
    Place,
    read_full_address,
    require_full_address,
)

if TYPE_CHECKING:  # the request types live with the use case that takes them
    from counter_app.services.dossiers import IntakeComponent, IntakeRequest

MAX_NAME = 200
MAX_SUMMARY = 2000
MAX_LINE = 300
MAX_ADDRESS = 500
MAX_EMAIL = 200
MAX_OTHER_ID = 30  # an ID number of a business, state body or foreigner: free form, this long at most
MAX_SETS = 99
MAX_COUNT = 99  # originals / certified copies / photocopies of one document
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class IdentityNumber:
    """An applicant's ID number as it is stored, and what kind it was read as."""

    number: str  # "" when none was given
    kind: str  # "" | "cccd" | "cmnd" | "passport" | "other" (not a citizen: not checked beyond its length)
    cccd: CccdInfo | None = None  # what a CCCD number tells (birth province, year)


@dataclass(frozen=True, slots=True)
class ValidIntake:
    """An intake request's values as they are stored, every check passed."""

    applicant_name: str
    id_number: str
    phone: str
    email: str
    address_line: str
    owner_name: str
    channel: Channel
    request_summary: str
    by_post: bool
    delivery_receiver: str
    delivery_address: str
    delivery_phone: str
    reason: str
    missing_components: tuple[str, ...]
    component_names: tuple[str, ...]
    province: Place | None
    commune: Place | None


def clean_text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    """The text with spaces tidied; ``intake.required`` when empty and required, ``intake.too_long``."""
    cleaned = normalize(value or "")
    if required and not cleaned:
        raise DomainError("intake.required", field=field)
    if len(cleaned) > limit:
        raise DomainError("intake.too_long", field=field, limit=limit, length=len(cleaned))
    return cleaned


def check_identity(
    applicant_type: str, text: str, today: date, *, birth_date: date | None = None, gender: str = ""
) -> IdentityNumber:
    """A citizen's CCCD (checked against the birth date and sex when known), CMND or passport number.

    Spaces are dropped and letters upper-cased; other applicant types only have a length limit.
    """
    number = re.sub(r"\s", "", text or "").upper()
    if not number:
        return IdentityNumber("", "")
    if applicant_type != "citizen":
        if len(number) > MAX_OTHER_ID:
            raise DomainError("intake.too_long", field="id_number", limit=MAX_OTHER_ID, length=len(number))
        return IdentityNumber(number, "other")
    if number.isdigit():
        if len(number) == 9:
            return IdentityNumber(validate_cmnd(number), "cmnd")
        info = validate_cccd(number, birth_date=birth_date, gender=Gender(gender) if gender else None, today=today)
        return IdentityNumber(info.number, "cccd", info)
    return IdentityNumber(validate_passport(number), "passport")


def check_phone(value: str, field: str = "phone") -> str:
    """A Vietnamese mobile or landline in national form (domain validate_phone); "" when empty."""
    try:
        return validate_phone(value)
    except DomainError as error:
        raise DomainError(error.code, field=field, **error.params) from None


def check_email(value: str) -> str:
    """An e-mail address of the usual shape; "" when empty."""
    email = clean_text(value, "email", MAX_EMAIL)
    if email and not EMAIL.match(email):
        raise DomainError("intake.bad_email", value=email)
    return email


def check_delivery_filled(receiver: str, address: str, phone: str) -> None:
    """Home delivery of the result needs a receiver, an address and a phone."""
    if not (normalize(receiver) and normalize(address) and normalize(phone)):
        raise DomainError("intake.delivery_incomplete")


def check_delivery_address(text: str, book: AddressBook) -> str:
    """Street/house + commune + province, or the post cannot deliver; the address as stored."""
    return read_full_address(require_full_address(text, book, "delivery_address"))


def missing_required(components: Iterable[IntakeComponent], required: Collection[str]) -> list[str]:
    """Names of the required documents (names in ``required``) not ticked as provided, in order."""
    return [c.name for c in components if not c.provided and c.name in required]


def check_components_received(components: Iterable[IntakeComponent], required: Collection[str]) -> None:
    """A complete intake has every required document."""
    missing = missing_required(components, required)
    if missing:
        raise DomainError("intake.components_missing", names=", ".join(missing))


def check_counts(components: Iterable[IntakeComponent]) -> None:
    for c in components:
        counts = (c.originals, c.certified_copies, c.photocopies)
        if min(counts) < 0 or max(counts) > MAX_COUNT:
            raise DomainError("intake.bad_count", component=c.name)


def applicant_places(
    book: AddressBook, province_key: str | None, commune_key: str | None
) -> tuple[Place | None, Place | None]:
    """The applicant's province and commune (2025 units of any province) from codes or store unit ids."""
    province = book.province(province_key or "")
    if province_key and province is None:
        raise DomainError("address.unknown_unit", code=province_key)
    commune = None
    if commune_key:
        commune = next((c for c in book.communes(province) if commune_key in (c.code, c.unit_id)), None) if province else None
        if commune is None:
            raise DomainError("address.unknown_unit", code=commune_key)
    return province, commune


def validate_intake(req: IntakeRequest, procedure: Procedure, today: date, book: AddressBook) -> ValidIntake:
    """Every check of an intake request, in the order the errors are reported; the values as stored."""
    name = clean_text(req.applicant_name, "applicant_name", MAX_NAME, required=True)
    if req.outcome is not Outcome.COMPLETE and not normalize(req.reason):
        raise DomainError("intake.reason_required")
    if not 1 <= req.sets <= MAX_SETS:
        raise DomainError("intake.bad_sets", sets=req.sets)
    check_counts(req.components)
    id_number = check_identity(req.applicant_type, req.id_number, today, birth_date=req.birth_date, gender=req.gender)
    phone = check_phone(req.phone)
    email = check_email(req.email)
    channel = Channel(req.channel)
    if channel is Channel.POST and not procedure.post_dossier:
        raise DomainError("intake.post_not_allowed", procedure=procedure.name)
    by_post = req.result_delivery == "post"
    delivery_address = ""
    if by_post:
        if not procedure.post_result:
            raise DomainError("intake.post_result_not_allowed", procedure=procedure.name)
        check_delivery_filled(req.delivery_receiver, req.delivery_address, req.delivery_phone)
        delivery_address = check_delivery_address(req.delivery_address, book)  # issue 8 §4
    province, commune = applicant_places(
        book, req.province_code or req.province_unit_id, req.commune_code or req.commune_unit_id
    )
    if req.outcome is Outcome.COMPLETE:
        check_components_received(req.components, {c.name for c in procedure.components if c.required})
    component_names = tuple(clean_text(c.name, "component", MAX_LINE, required=True) for c in req.components)
    return ValidIntake(
        applicant_name=name,
        id_number=id_number.number,
        phone=phone,
        email=email,
        address_line=clean_text(req.address_line, "address_line", MAX_ADDRESS),
        owner_name=clean_text(req.owner_name, "owner_name", MAX_NAME),
        channel=channel,
        request_summary=clean_text(req.request_summary, "request_summary", MAX_SUMMARY),
        by_post=by_post,
        delivery_receiver=clean_text(req.delivery_receiver, "delivery_receiver", MAX_NAME),
        delivery_address=clean_text(delivery_address, "delivery_address", MAX_ADDRESS),
        delivery_phone=check_phone(req.delivery_phone, "delivery_phone"),
        reason=clean_text(req.reason, "reason", MAX_SUMMARY),
        missing_components=tuple(clean_text(m, "missing", MAX_LINE) for m in req.missing_components if normalize(m)),
        component_names=component_names,
        province=province,
        commune=commune,
    )
