"""Allocating dossier codes on this device from its leased sequence blocks."""

from __future__ import annotations

from datetime import date

from counter_app.domain.codes import DossierCodeFormat, next_sequence
from counter_app.services.ports import UnitOfWork


def allocate_dossier_code(
    agency_code: str,
    day: date,
    *,
    uow: UnitOfWork,  # open: the caller commits with the dossier
    device_id: str,
    code_format: DossierCodeFormat = DossierCodeFormat(),
) -> str:
    """The next free code for this agency and day from this device's leases (no network needed).

    Must run inside the caller's write transaction so the number and the dossier commit together.
    """
    last = uow.sequences.last_used(agency_code, day)
    seq = next_sequence(uow.sequences.leases(device_id), agency_code, day, last)
    uow.sequences.set_last_used(agency_code, day, seq)
    return code_format.format(agency_code, day, seq)
