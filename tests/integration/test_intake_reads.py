"""Reads the intake and hand-over pages show, from the dossier service's own queries (real SQLite store)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.domain.dossier import DossierStatus, Outcome
from counter_app.services.dossiers import Desk
from tests.integration.test_dossier_flow import ELECTRICITY, intake


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def test_the_day_s_intakes_newest_first_with_refusals_and_only_that_day(services, desk, clock) -> None:  # type: ignore[no-untyped-def]
    first = services.dossiers.receive(intake(services, key="a"), desk).code
    clock.advance(minutes=5)
    refused = services.dossiers.receive(
        intake(services, key="b", outcome=Outcome.REFUSED, reason="Không thuộc thẩm quyền"), desk
    ).code
    day = clock.now().date()
    clock.advance(days=1)
    next_day = services.dossiers.receive(intake(services, key="c"), desk).code

    listed = services.dossiers.received_on(desk, day)
    assert [s.code for s in listed] == [refused, first]
    assert [s.status for s in listed] == [DossierStatus.REFUSED, DossierStatus.RECEIVED]
    assert listed[1].applicant_name == "Nguyễn Thị Ánh Tuyết" and listed[1].appointment is not None
    assert [s.code for s in services.dossiers.received_on(desk)] == [next_day]  # today by the service's clock
    assert services.dossiers.received_on(desk, day - timedelta(days=1)) == []
    other_centre = Desk(desk.staff_id, desk.staff_name, "another-centre")
    assert services.dossiers.received_on(other_centre, day) == []


def test_hand_over_proposals_carry_the_unit_s_display_short_name(services, desk) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(intake(services, key="a", procedure_code=ELECTRICITY), desk)
    services.dossiers.receive(intake(services, key="b", procedure_code="1.002835"), desk)

    proposals = services.dossiers.handover_proposals(desk)

    units = services.dossiers.units
    assert {p.agency_short_name for p in proposals} == {"Điện lực Hà Tĩnh", "Sở KH&CN"}
    assert all(p.agency_short_name == units.get(p.agency_unit_id).display_short_name for p in proposals)
