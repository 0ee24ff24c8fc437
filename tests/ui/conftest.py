"""Fixtures of the ui tests: the same screens driven by the in-memory fake and by the real demo store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes import DEMO_PASSWORD, DEMO_USERNAME, FakeCounterAppServices
from tests.ui.stands import Stand, demo_password


@pytest.fixture
def fake_services(tmp_path: Path) -> FakeCounterAppServices:
    return FakeCounterAppServices(tmp_path / "data")


@pytest.fixture(params=["fake", "real"])
def stand(request: pytest.FixtureRequest, fake_services: FakeCounterAppServices) -> Stand:
    """Parametrized over the fake and the real demo store (tests/conftest.py ``services``)."""
    if request.param == "fake":
        return Stand("fake", fake_services, DEMO_USERNAME, DEMO_PASSWORD, fake_services.advance)
    services = request.getfixturevalue("services")
    clock = request.getfixturevalue("clock")
    session, _counter = services.demo_session()
    return Stand(
        "real",
        services,
        session.username,
        demo_password(session.username),
        lambda delta: clock.advance(seconds=delta.total_seconds()),
    )
