"""Unit short names: one rule in domain/units.py for lists, queue lines and the hand-over page."""

from __future__ import annotations

import pytest

from counter_app.domain.units import Unit, UnitKind, short_agency_name

NAMES = [
    # (name, own short name, shown)
    ("Ủy ban nhân dân phường Thành Sen", "", "UBND phường Thành Sen"),
    ("Uỷ ban nhân dân xã Lộc Hà", "", "UBND xã Lộc Hà"),  # the other placement of the accent
    ("Ủy ban nhân dân tỉnh Hà Tĩnh", "UBND tỉnh", "UBND tỉnh"),  # its own short name wins
    ("Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh", "Sở LĐ-TB&XH", "Sở LĐ-TB&XH"),
    ("Công ty Điện lực Hà Tĩnh", "", "Công ty Điện lực Hà Tĩnh"),
    ("Phòng Tư pháp, Ủy ban nhân dân huyện", "", "Phòng Tư pháp, Ủy ban nhân dân huyện"),  # only a leading prefix
]


@pytest.mark.parametrize(("name", "own", "shown"), NAMES)
def test_display_short_name(name: str, own: str, shown: str) -> None:
    assert Unit("u", "c", name, UnitKind.OTHER, short_name=own).display_short_name == shown


@pytest.mark.parametrize(("name", "own", "shown"), [n for n in NAMES if not n[1]])
def test_agency_names_without_a_unit_are_shortened_the_same_way(name: str, own: str, shown: str) -> None:
    assert short_agency_name(name) == shown
