"""Dossier codes drawn from leased blocks on two offline PCs never collide, and survive restarts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from counter_app.bootstrap import init_store, open_services
from counter_app.domain.codes import DossierCodeFormat
from counter_app.domain.errors import DomainError
from counter_app.services.codes import allocate_dossier_code

AGENCY = "000.00.06.H27"  # a sample department code from the demo province


def _allocate(services, day: date, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    codes = []
    for _ in range(n):
        with services.uow() as uow:
            codes.append(allocate_dossier_code(AGENCY, day, uow=uow, device_id=services.device_id))
            uow.commit()
    return codes


def test_two_offline_pcs_never_share_a_code(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    init_store(tmp_path / "pc1", demo=True, clock=clock, device_slot=1)
    init_store(tmp_path / "pc2", demo=True, clock=clock, device_slot=2)
    pc1 = open_services(tmp_path / "pc1", clock=clock)
    pc2 = open_services(tmp_path / "pc2", clock=clock)
    day = date(2026, 11, 30)
    a, b = _allocate(pc1, day, 30), _allocate(pc2, day, 30)
    assert len(set(a) | set(b)) == 60
    assert a[0] == f"{AGENCY}-261130-0001"
    assert b[0] == f"{AGENCY}-261130-1000"
    fmt = DossierCodeFormat()
    assert [fmt.parse(c)[2] for c in a] == list(range(1, 31))


def test_sequence_restarts_each_day_and_survives_a_restart(demo_data_dir: Path, clock) -> None:  # type: ignore[no-untyped-def]
    services = open_services(demo_data_dir, clock=clock)
    assert _allocate(services, date(2026, 11, 30), 2)[-1].endswith("-261130-0002")
    again = open_services(demo_data_dir, clock=clock)  # the app was restarted
    assert _allocate(again, date(2026, 11, 30), 1) == [f"{AGENCY}-261130-0003"]
    assert _allocate(again, date(2026, 12, 1), 1) == [f"{AGENCY}-261201-0001"]


def test_rolled_back_intake_does_not_burn_a_number(demo_data_dir: Path, clock) -> None:  # type: ignore[no-untyped-def]
    services = open_services(demo_data_dir, clock=clock)
    day = date(2026, 11, 30)
    with services.uow() as uow:
        allocate_dossier_code(AGENCY, day, uow=uow, device_id=services.device_id)
        # no commit: the intake failed
    assert _allocate(services, day, 1) == [f"{AGENCY}-261130-0001"]


def test_no_lease_for_an_unknown_agency(demo_data_dir: Path, clock) -> None:  # type: ignore[no-untyped-def]
    services = open_services(demo_data_dir, clock=clock)
    with services.uow() as uow, pytest.raises(DomainError) as caught:
        allocate_dossier_code("000.99.99.H27", date(2026, 11, 30), uow=uow, device_id=services.device_id)
    assert caught.value.code == "dossier_code.no_lease"
