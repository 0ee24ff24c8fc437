"""The procedure guide over the demo store: what a clerk finds and what the citizen is told."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest

from counter_app.bootstrap import VIETNAM_TIME
from counter_app.domain.catalog import DurationUnit
from counter_app.domain.errors import DomainError


@pytest.mark.parametrize(
    "query",
    ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", unicodedata.normalize("NFD", "Đăng ký khai sinh"), "  dang   ky  khai sinh "],
)
def test_accent_case_and_nfd_variants_find_birth_registration(services, query: str) -> None:  # type: ignore[no-untyped-def]
    results = services.search_procedures(query)
    assert results, query
    assert all("khai sinh" in r.name.lower() for r in results[:5])
    assert results[0].name.startswith("Đăng ký khai sinh")


def test_search_by_code_puts_that_procedure_first(services) -> None:  # type: ignore[no-untyped-def]
    results = services.search_procedures("2.002180")
    assert results[0].code == "2.002180"


def test_electricity_procedures_found_with_dien(services) -> None:  # type: ignore[no-untyped-def]
    names = [r.agency_name for r in services.search_procedures("dien", limit=10)]
    assert "Công ty Điện lực Hà Tĩnh" in names


def test_guide_shows_components_fees_and_todays_appointment(services, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME))  # Monday
    code = services.search_procedures("cap dien moi ha ap")[0].code
    guide = services.procedure_guide(code, centre_id="c-tinh")
    assert guide.name == "Cấp điện mới từ lưới điện hạ áp"
    assert guide.agency_name == "Công ty Điện lực Hà Tĩnh"
    assert guide.components and all(c.name for c in guide.components)
    assert guide.total_fee == sum(f.amount for f in guide.fees)
    assert guide.duration.unit is DurationUnit.WORKING_DAYS
    assert guide.received_at == clock.now()
    assert guide.appointment == datetime(2026, 12, 7, 9, 0, tzinfo=VIETNAM_TIME)  # 5 working days
    assert guide.centre_name.startswith("Trung tâm Phục vụ hành chính công")


def test_appointment_moves_when_the_clock_does(services, clock) -> None:  # type: ignore[no-untyped-def]
    code = services.search_procedures("dang ky khai tu")[0].code
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME))
    morning = services.procedure_guide(code).appointment
    clock.set(datetime(2026, 11, 30, 17, 30, tzinfo=VIETNAM_TIME))  # after closing
    evening = services.procedure_guide(code).appointment
    assert evening > morning
    assert evening.date() == datetime(2026, 12, 1).date()


def test_commune_procedure_path_skips_abolished_districts(services) -> None:  # type: ignore[no-untyped-def]
    code = services.search_procedures("dang ky ket hon")[0].code
    guide = services.procedure_guide(code)
    assert guide.agency_path[0] == "Ủy ban nhân dân tỉnh Hà Tĩnh" or "Hà Tĩnh" in guide.agency_path[0]
    assert guide.agency_path[-1] == guide.agency_name
    assert guide.requires_in_person


def test_unknown_code_is_a_clear_error(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        services.procedure_guide("9.999999")
    assert caught.value.code == "catalog.unknown_procedure"


def test_guidance_sheet_is_saved_as_pdf(services, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    code = services.search_procedures("dang ky khai sinh")[0].code
    path = services.print_guidance_sheet(code, centre_id="c-tinh", staff_name="Nguyễn Thị Lan", counter_name="Quầy 1")
    assert path.parent.parent == demo_data_dir / "prints"
    assert path.read_bytes().startswith(b"%PDF")
    again = services.print_guidance_sheet(code, centre_id="c-tinh", staff_name="", counter_name="")
    assert again != path and again.exists()  # a second print never overwrites the first


def test_words_the_clerk_remembers_wrongly_still_find_the_procedure(services) -> None:  # type: ignore[no-untyped-def]
    # "cấp lại giấy khai sinh" is how citizens say it; the catalog calls it "Đăng ký lại khai sinh"
    results = services.search_procedures("cap lai giay khai sinh")
    assert results and results[0].name == "Đăng ký lại khai sinh"


def test_the_clerks_own_centre_comes_first(services) -> None:  # type: ignore[no-untyped-def]
    anywhere = services.search_procedures("dang ky khai sinh", limit=20)
    at_cam_xuyen = services.search_procedures("dang ky khai sinh", limit=20, centre_id="c-x-cam-xuyen")
    assert "Cẩm Xuyên" not in anywhere[0].agency_name  # without a centre: by code (phường Thành Sen first)
    assert "Cẩm Xuyên" in at_cam_xuyen[0].agency_name
    assert len(at_cam_xuyen) == len(anywhere)  # nothing hidden, only reordered
