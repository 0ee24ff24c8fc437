"""Device enrolment and per-device authentication.

An administrator makes a one-time code for a centre (``counter server enrol-code``); a PC exchanges
it once, before it expires, for its identity on the server and a secret token. The server keeps only
SHA-256 digests of codes and tokens (both are long random strings, so a plain digest is enough; a
stolen database yields no usable token). Every request carries ``Authorization: Bearer <token>``;
a revoked device is refused on its next request, since every request reads the device row.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.domain.errors import DomainError
from counter_app.server.models import DeviceRecord, EnrolmentCode, RecordRow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 12
CODE_TTL = timedelta(hours=24)
MAX_SLOT = 9


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def centre_exists(session: Session, centre_id: str) -> bool:
    return session.get(RecordRow, ("centres", centre_id)) is not None


def new_enrolment_code(session: Session, centre_id: str, slot: int, now: datetime, ttl: timedelta = CODE_TTL) -> str:
    """A fresh code for ``centre_id`` (``XXXX-XXXX-XXXX``), valid for ``ttl`` and for one enrolment."""
    if not centre_exists(session, centre_id):
        raise DomainError("server.unknown_centre", centre_id=centre_id)
    if not 1 <= slot <= MAX_SLOT:
        raise DomainError("cli.bad_device_slot", value=slot)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(EnrolmentCode(code_hash=digest(code), centre_id=centre_id, slot=slot, created_at=now,
                              expires_at=now + ttl))
    session.flush()
    return format_code(code)


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    centre_id: str
    slot: int
    token: str  # shown once, to the enrolling PC; the server keeps its digest


def enrol(session: Session, code: str, device_id: str, name: str, now: datetime) -> Enrolment:
    """Exchange a one-time code for a token; the PC keeps its own device id (its outbox ops carry it)."""
    try:
        uuid.UUID(device_id)
    except ValueError:
        raise DomainError("server.bad_device_id") from None
    row = session.execute(
        select(EnrolmentCode).where(EnrolmentCode.code_hash == digest(normalise_code(code))).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("server.unknown_code")
    if row.used_at is not None:
        raise DomainError("server.code_used")
    if _aware(row.expires_at) <= now:
        raise DomainError("server.code_expired")
    existing = session.get(DeviceRecord, device_id, with_for_update=True)
    token = secrets.token_urlsafe(32)
    if existing is not None:
        if existing.revoked_at is None or existing.centre_id != row.centre_id:
            raise DomainError("server.device_enrolled")
        # a revoked PC enrolled again with a new code: same id (its ops go on), new token
        existing.revoked_at, existing.token_hash, existing.slot = None, digest(token), row.slot
    else:
        session.add(DeviceRecord(id=device_id, centre_id=row.centre_id, slot=row.slot, name=name[:200],
                                 token_hash=digest(token), enrolled_at=now, last_seq=0))
    row.used_at, row.device_id = now, device_id
    session.flush()
    return Enrolment(device_id, row.centre_id, row.slot, token)


def authenticate(session: Session, authorization: str | None, *, lock: bool = False) -> DeviceRecord:
    """The device whose token is in ``Authorization: Bearer …``; refused when unknown or revoked."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise DomainError("server.no_token")
    query = select(DeviceRecord).where(DeviceRecord.token_hash == digest(token.strip()))
    device = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if device is None:
        raise DomainError("server.bad_token")
    if device.revoked_at is not None:
        raise DomainError("server.device_revoked")
    return device


def revoke(session: Session, device_id: str, now: datetime) -> DeviceRecord:
    device = session.get(DeviceRecord, device_id, with_for_update=True)
    if device is None:
        raise DomainError("server.unknown_device", device_id=device_id)
    if device.revoked_at is None:
        device.revoked_at = now
    return device


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were written in UTC."""
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
