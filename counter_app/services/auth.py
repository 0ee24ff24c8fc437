"""Staff login with lock-out after repeated failures, and opening a counter for duty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from counter_app.domain.errors import DomainError
from counter_app.domain.text import normalize
from counter_app.services.ports import Clock, PasswordHasher, UnitOfWork
from counter_app.services.read_models import StaffSession


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


_dummy_hashes: dict[int, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when the user is unknown, so both failures take the same time."""
    key = id(hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash("no such user")
    return _dummy_hashes[key]


def login(
    username: str,
    password: str,
    *,
    uow: UnitOfWork,
    clock: Clock,
    hasher: PasswordHasher,
    policy: LockoutPolicy = LockoutPolicy(),
) -> StaffSession:
    """Check the staff member's password; five failures lock the account for a while."""
    name = normalize(username).lower()
    if not name or not password:
        raise DomainError("auth.missing_credentials")
    now = clock.now()
    with uow:
        staff = uow.staff.by_username(name)
        if staff is None:
            hasher.verify(_dummy_hash(hasher), password)
            raise DomainError("auth.bad_credentials")
        if staff.locked_until is not None:
            # A clock set back must not lock someone out for longer than the policy says.
            until = staff.locked_until
            if until > now + policy.lock_for:
                # The PC's clock was set back: keep the lock no longer than the policy says.
                until = now + policy.lock_for
                uow.staff.record_login_failure(staff.id, 0, until)
                uow.commit()
            if now < until:
                raise DomainError("auth.locked", until=until)
        if not staff.active:
            raise DomainError("auth.inactive")
        if not hasher.verify(staff.password_hash, password):
            failures = (0 if staff.locked_until is not None else staff.failed_logins) + 1
            if failures >= policy.max_failures:
                until = now + policy.lock_for
                uow.staff.record_login_failure(staff.id, 0, until)
                uow.outbox.add("staff", staff.id, "locked", {"until": until.isoformat()})
                uow.commit()
                raise DomainError("auth.locked", until=until)
            uow.staff.record_login_failure(staff.id, failures, None)
            uow.commit()
            raise DomainError("auth.bad_credentials", remaining=policy.max_failures - failures)
        new_hash = hasher.hash(password) if hasher.needs_rehash(staff.password_hash) else None
        uow.staff.record_login_success(staff.id, now, new_hash)
        centre = uow.units.centre(staff.centre_id)
        session = StaffSession(
            staff_id=staff.id,
            username=staff.username,
            full_name=staff.full_name,
            role=staff.role,
            centre_id=staff.centre_id,
            centre_name=centre.name if centre else "",
        )
        uow.commit()
        return session


def open_counter(
    session: StaffSession, counter_id: str, *, uow: UnitOfWork, clock: Clock, device_id: str
) -> str:
    """Start a duty period (ca trực) of this staff member at a counter; returns its id."""
    now = clock.now()
    with uow:
        counter = uow.units.counter(counter_id)
        if counter is None or counter.centre_id != session.centre_id:
            raise DomainError("counter.unknown", counter_id=counter_id)
        if not counter.active:
            raise DomainError("counter.inactive", number=counter.number)
        duty_id = uow.staff.open_counter_session(session.staff_id, counter_id, device_id, now)
        uow.outbox.add(
            "counter_session",
            duty_id,
            "opened",
            {"staff_id": session.staff_id, "counter_id": counter_id, "started_at": now.isoformat()},
        )
        uow.commit()
        return duty_id


def close_counter(duty_id: str, *, uow: UnitOfWork, clock: Clock) -> None:
    """End a duty period (logout or the counter window closed); closing twice changes nothing."""
    now = clock.now()
    with uow:
        if uow.staff.close_counter_session(duty_id, now):
            uow.outbox.add("counter_session", duty_id, "closed", {"ended_at": now.isoformat()})
        uow.commit()
