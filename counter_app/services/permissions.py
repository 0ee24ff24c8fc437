"""Who may do what: the one table of staff roles and their permissions, checked by the services.

The services check a permission where the action happens (``require`` inside the use case's unit
of work), with the staff member read from the store — never the role a screen or a caller claims —
and record who acted. The screens ask ``allows`` only to hide what a role cannot do; hiding is a
courtesy, the check is here.

The command line (``counter …``) reads as the store's administrator: whoever runs it holds the
store file itself. Under the staff id ``COMMAND_LINE`` (no staff account) it may do, at any centre,
what only reads (``COMMAND_LINE_PERMISSIONS``: render the tracking book, the queue figures). What
writes a record naming the acting staff member (a day reset, a payment) needs a staff account, as
``counter clock confirm --user`` does: the store records staff ids, and "cli" is none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from counter_app.domain.errors import DomainError
from counter_app.services.catalog_data import StaffRole

log = logging.getLogger(__name__)

COMMAND_LINE = "cli"  # the staff id the command line acts under (counter_app/cli.py: _cli_desk)
COMMAND_LINE_ROLE = "command_line"


class Permission(StrEnum):
    RESET_QUEUE_DAY = "reset_queue_day"  # close or carry over the centre's waiting tickets
    SEE_QUEUE_KPIS = "see_queue_kpis"  # the centre's live queue figures
    PRINT_TRACKING_BOOK = "print_tracking_book"  # Mẫu 07, on screen, on paper or rendered
    TAKE_PAYMENT = "take_payment"  # collect fees and charges (cash or transfer) and issue a receipt
    MANAGE_DEVICES = "manage_devices"  # the Devices screen: assign this PC's printers, scanner, boards (admin)
    SEE_REPORTS = "see_reports"  # the reports of a centre (issue 13): supervisors; administrators all centres


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    StaffRole.CLERK.value: frozenset({Permission.PRINT_TRACKING_BOOK, Permission.TAKE_PAYMENT}),
    StaffRole.SUPERVISOR.value: frozenset(Permission) - {Permission.MANAGE_DEVICES},
    StaffRole.ADMIN.value: frozenset(Permission),
    COMMAND_LINE_ROLE: frozenset({Permission.PRINT_TRACKING_BOOK, Permission.SEE_QUEUE_KPIS,
                                  Permission.SEE_REPORTS}),  # reads only
}

NOT_STAFF_HERE = "permission.not_staff_here"


class PermissionDenied(DomainError):
    """The acting staff member may not do this (code ``permission.<permission>``) or is not an
    active staff member of the centre (``permission.not_staff_here``)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """The staff member who acts, as the store knows them."""

    staff_id: str
    role: str
    centre_id: str


def allows(role: str, permission: Permission) -> bool:
    """Whether a role may do this (screens use it to hide what a role cannot do)."""
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def require(uow: Any, staff_id: str, permission: Permission, *, centre_id: str) -> Actor:
    """The acting staff member, after checking in the open unit of work that they may act at the centre.

    Raises ``PermissionDenied`` (logged with the staff id) for an unknown or disabled account, an
    account of another centre, or a role without the permission.
    """
    staff = uow.staff.by_id(staff_id) if staff_id else None
    if staff is None and staff_id == COMMAND_LINE:
        actor = Actor(COMMAND_LINE, COMMAND_LINE_ROLE, centre_id)
    elif staff is None or not staff.active or staff.centre_id != centre_id:
        log.warning("refused %s to %r at centre %s: not an active staff member there",
                    permission.value, staff_id, centre_id)
        raise PermissionDenied(NOT_STAFF_HERE)
    else:
        actor = Actor(staff.id, staff.role, staff.centre_id)
    if not allows(actor.role, permission):
        log.warning("refused %s to %s (%s) at centre %s", permission.value, staff_id, actor.role, centre_id)
        raise PermissionDenied(f"permission.{permission.value}")
    return actor
