"""The bundled sample province file loads into what the counters rely on; broken files are refused."""

from __future__ import annotations

import copy
import dataclasses
import json
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, time
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from counter_app.domain.calendar import DayIssuer, OfficeHours, YearCalendar
from counter_app.domain.catalog import Channel, Duration, DurationUnit
from counter_app.domain.errors import DomainError
from counter_app.domain.text import search_key
from counter_app.domain.units import UnitKind, UnitTree
from counter_app.services.catalog_data import (
    ProvinceData,
    StaffRole,
    load_province_data,
    parse_province_data,
)
from counter_app.services.resources import resource_path

DEMO_FILE = resource_path("demo", "province.json")
COMMUNE_LEVEL = {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE}
TODAY = date(2026, 3, 2)

# Departments and the utility named in the article on the Hà Tĩnh pilot (baohatinh.vn, 21/5/2024).
ARTICLE_DEPARTMENTS = [
    "Sở Thông tin và Truyền thông",
    "Sở Nội vụ",
    "Sở Ngoại vụ",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Tài chính",
    "Sở Công Thương",
]


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> ProvinceData:
    return load_province_data(DEMO_FILE)


def _key(text: str) -> str:
    return search_key(text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, Enum):
        return
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)


# --- the real sample file ----------------------------------------------------------------------


class TestSampleFile:
    def test_is_labelled_as_sample_data(self, data: ProvinceData, raw: dict[str, Any]) -> None:
        assert "DỮ LIỆU MẪU" in data.label
        assert "sample" in data.label
        assert raw["notes"], "the file explains itself"

    def test_has_at_least_60_procedures(self, data: ProvinceData) -> None:
        assert len(data.procedures) >= 60

    def test_units_form_a_tree_with_history(self, data: ProvinceData) -> None:
        tree = UnitTree(data.units)
        province = next(u for u in data.units if u.kind is UnitKind.PROVINCE)
        assert province.code == "000.00.00.H27"
        communes_now = tree.of_kind(*COMMUNE_LEVEL, on=TODAY)
        assert len(communes_now) >= 8
        assert all(u.parent_id == province.id for u in communes_now)  # two tiers since 1/7/2025
        districts = tree.of_kind(UnitKind.DISTRICT)
        assert len(districts) >= 2
        assert all(u.valid_to == date(2025, 6, 30) for u in districts)
        assert tree.of_kind(UnitKind.DISTRICT, on=TODAY) == []
        assert tree.of_kind(UnitKind.DISTRICT, on=date(2025, 6, 30))

    def test_every_department_of_the_article_is_present_with_procedures(
        self, data: ProvinceData
    ) -> None:
        agencies = {p.agency_unit_id for p in data.procedures}
        by_name = {_key(u.short_name): u for u in data.units} | {
            _key(u.name): u for u in data.units
        }
        for name in ARTICLE_DEPARTMENTS:
            matches = [u for k, u in by_name.items() if k.startswith(_key(name))]
            assert matches, f"{name} missing"
            unit = matches[0]
            assert unit.kind is UnitKind.DEPARTMENT
            assert unit.id in agencies, f"{name} has no procedures"

    def test_electricity_company_is_present_with_its_services(self, data: ProvinceData) -> None:
        company = next(u for u in data.units if _key(u.name) == "cong ty dien luc ha tinh")
        assert company.kind is UnitKind.ENTERPRISE
        names = [_key(p.name) for p in data.procedures if p.agency_unit_id == company.id]
        for wanted in (
            "cap dien moi tu luoi dien ha ap",
            "thay doi cong suat",
            "chuyen ten hop dong",
        ):
            assert any(wanted in n for n in names), wanted

    def test_every_commune_centre_handles_birth_marriage_and_death(
        self, data: ProvinceData
    ) -> None:
        units = {u.id: u for u in data.units}
        commune_centres = [c for c in data.centres if units[c.unit_id].kind in COMMUNE_LEVEL]
        assert len(commune_centres) >= 4
        for centre in commune_centres:
            agencies = set(data.centre_agencies[centre.id])
            names = {_key(p.name) for p in data.procedures if p.agency_unit_id in agencies}
            for wanted in ("dang ky khai sinh", "dang ky ket hon", "dang ky khai tu"):
                assert wanted in names, f"{centre.name}: {wanted}"

    def test_commune_procedures_are_expanded_per_current_commune(self, data: ProvinceData) -> None:
        births = [p for p in data.procedures if _key(p.name) == "dang ky khai sinh"]
        communes_now = [u for u in data.units if u.kind in COMMUNE_LEVEL and u.valid_to is None]
        assert {p.agency_unit_id for p in births} == {u.id for u in communes_now}
        by_unit = {p.agency_unit_id: p for p in births}
        for unit in communes_now:
            birth = by_unit[unit.id]
            assert birth.code == f"1.001193.{unit.code}"
            assert birth.valid_from == unit.valid_from

    def test_provincial_centre_has_eight_counters_with_stable_ids(self, data: ProvinceData) -> None:
        units = {u.id: u for u in data.units}
        centre = next(c for c in data.centres if units[c.unit_id].kind is UnitKind.PROVINCE)
        counters = [c for c in data.counters if c.centre_id == centre.id]
        assert [c.number for c in counters] == list(range(1, 9))
        assert counters[0].id == f"{centre.id}-q1"
        for c in data.centres:
            if c is not centre:
                assert 2 <= sum(1 for k in data.counters if k.centre_id == c.id) <= 3

    def test_every_centre_agency_and_procedure_reference_resolves(self, data: ProvinceData) -> None:
        unit_ids = {u.id for u in data.units}
        field_ids = {f.id for f in data.fields}
        assert set(data.centre_agencies) == {c.id for c in data.centres}
        for agencies in data.centre_agencies.values():
            assert set(agencies) <= unit_ids
        for p in data.procedures:
            assert p.agency_unit_id in unit_ids
            assert p.field_id in field_ids

    def test_fees_are_non_negative_whole_dong(self, data: ProvinceData) -> None:
        fees = [f for p in data.procedures for f in p.fees]
        assert fees
        for fee in fees:
            assert type(fee.amount) is int
            assert fee.amount >= 0
        assert any(f.amount == 8000 for f in fees)  # trích lục hộ tịch

    def test_every_procedure_has_components_and_a_positive_duration(
        self, data: ProvinceData
    ) -> None:
        for p in data.procedures:
            assert len(p.components) >= 1, p.id
            assert p.duration.amount > 0 or p.duration.unit is DurationUnit.SAME_WORKING_DAY
            assert p.channels
        units_used = {p.duration.unit for p in data.procedures}
        assert units_used >= {
            DurationUnit.WORKING_DAYS, DurationUnit.CALENDAR_DAYS, DurationUnit.SAME_WORKING_DAY
        }

    def test_procedures_that_need_the_applicant_cannot_come_by_post(
        self, data: ProvinceData
    ) -> None:
        marriages = [p for p in data.procedures if _key(p.name) == "dang ky ket hon"]
        assert marriages and all(p.requires_in_person for p in marriages)
        for p in data.procedures:
            if p.requires_in_person:
                assert not p.post_dossier
                assert Channel.POST not in p.channels

    def test_codes_and_ids_are_unique(self, data: ProvinceData) -> None:
        for values in (
            [p.code for p in data.procedures],
            [p.id for p in data.procedures],
            [u.id for u in data.units],
            [u.code for u in data.units],
            [c.id for c in data.centres],
            [c.id for c in data.counters],
            [f.id for f in data.fields],
        ):
            assert len(values) == len(set(values))

    def test_staff_usernames_are_unique_and_roles_covered(self, data: ProvinceData) -> None:
        usernames = [s.username for s in data.staff]
        assert len(data.staff) >= 6
        assert len(usernames) == len(set(usernames))
        assert {s.role for s in data.staff} == set(StaffRole)
        centre_ids = {c.id for c in data.centres}
        assert all(s.centre_id in centre_ids for s in data.staff)
        assert "demo123" not in repr(data.staff[0])

    def test_all_text_is_nfc(self, data: ProvinceData, raw: dict[str, Any]) -> None:
        parsed = list(_strings(data))
        assert len(parsed) > 1000
        for text in parsed:
            assert unicodedata.is_normalized("NFC", text), text
            assert text == text.strip(), text
        for text in _strings(raw):
            assert unicodedata.is_normalized("NFC", text), text

    def test_calendar(self, data: ProvinceData) -> None:
        assert isinstance(data.office_hours, OfficeHours)
        assert data.office_hours.describe() == "07:00–11:30, 13:30–17:00"
        assert data.weekend == frozenset({5, 6})
        assert set(data.yearly) == {2025, 2026}
        for year, calendar in data.yearly.items():
            assert isinstance(calendar, YearCalendar)
            assert calendar.source
            assert all(d.year == year and d.weekday() < 5 for d in calendar.days_off)
            assert all(d.year == year and d.weekday() in data.weekend for d in calendar.working_days)
            assert all(e.source and e.name for e in calendar.days)
        # the 2/9/2026 swap is the Prime Minister's (9859/VPCP-KGVX): Monday 31/08 off, Saturday 22/08 worked
        swap = {e.day: e for e in data.yearly[2026].days}
        assert swap[date(2026, 8, 22)].working and swap[date(2026, 8, 22)].issuer is DayIssuer.PRIME_MINISTER
        assert not swap[date(2026, 8, 31)].working and "9859/VPCP-KGVX" in swap[date(2026, 8, 31)].source
        assert date(2026, 9, 12) not in swap
        # 02/01/2026 was a Deputy Prime Minister's decision for the Government (12729/VPCP-KGVX)
        assert swap[date(2026, 1, 2)].issuer is DayIssuer.GOVERNMENT
        # 24/11 (Ngày Văn hóa Việt Nam) is not in the province's 2026 calendar
        assert date(2026, 11, 24) not in swap

    def test_dossier_code_pattern(self, data: ProvinceData) -> None:
        code = data.dossier_code_pattern.format(agency="000.00.00.H27", day=date(2026, 1, 5), seq=7)
        assert code == "000.00.00.H27-260105-0007"


# --- the 2025 reorganisation (issue 8 §6) ------------------------------------------------------

MERGED_ON = date(2025, 3, 1)  # Sở TT&TT into Sở KH&CN, Sở LĐ-TB&XH into Sở Nội vụ
TWO_TIERS_ON = date(2025, 7, 1)
MERGED_AWAY = ("Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội")


def _unit_named(data: ProvinceData, name: str) -> Any:
    return next(u for u in data.units if u.kind is UnitKind.DEPARTMENT and u.name.startswith(name))


def _valid(p: Any, day: date) -> bool:
    return (p.valid_from is None or p.valid_from <= day) and (p.valid_to is None or day <= p.valid_to)


class TestReorganisation2025:
    def test_no_unit_valid_today_is_a_merged_department(self, data: ProvinceData) -> None:
        tree = UnitTree(data.units)
        names_today = [u.name for u in tree if u.is_valid_on(TODAY)]
        for gone in MERGED_AWAY:
            assert not [n for n in names_today if gone in n], gone
        for successor in ("Sở Khoa học và Công nghệ", "Sở Nội vụ", "Sở Y tế", "Sở Giáo dục và Đào tạo"):
            assert any(n.startswith(successor) for n in names_today), successor

    def test_merged_departments_keep_their_history_until_28_february_2025(self, data: ProvinceData) -> None:
        for gone in MERGED_AWAY:
            unit = _unit_named(data, gone)
            assert unit.valid_to == date(2025, 2, 28)
            assert unit.is_valid_on(date(2024, 5, 21))  # the article's day
            assert not unit.is_valid_on(MERGED_ON)

    @pytest.mark.parametrize(
        ("national_code", "before", "after"),
        [
            ("1.000105", "Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"),  # work permits
            ("1.002745", "Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"),  # người có công
            ("1.001739", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế"),  # social protection
            ("1.000480", "Sở Lao động - Thương binh và Xã hội", "Sở Giáo dục và Đào tạo"),  # vocational
            ("1.004470", "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"),  # postal licence
            ("1.004601", "Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ"),  # telecom masts
            ("1.003646", "Sở Thông tin và Truyền thông", "Sở Văn hóa, Thể thao và Du lịch"),  # press
        ],
    )
    def test_procedures_move_to_the_successor_and_keep_a_dated_copy(
        self, data: ProvinceData, national_code: str, before: str, after: str
    ) -> None:
        units = {u.id: u for u in data.units}
        copies = [p for p in data.procedures if p.code == national_code or p.code.startswith(national_code + ".")]
        today = [p for p in copies if _valid(p, TODAY)]
        assert len(today) == 1
        assert units[today[0].agency_unit_id].name.startswith(after)
        assert today[0].code == national_code and today[0].valid_from == MERGED_ON
        old = [p for p in copies if _valid(p, date(2025, 2, 28))]
        assert len(old) == 1
        assert units[old[0].agency_unit_id].name.startswith(before)
        assert old[0].valid_to == date(2025, 2, 28)
        assert old[0].code == f"{national_code}.{units[old[0].agency_unit_id].code}"

    def test_no_procedure_valid_today_belongs_to_a_unit_not_valid_today(self, data: ProvinceData) -> None:
        units = {u.id: u for u in data.units}
        for p in data.procedures:
            if _valid(p, TODAY):
                assert units[p.agency_unit_id].is_valid_on(TODAY), (p.code, p.agency_unit_id)

    def test_centres_receive_no_merged_department_and_the_province_counters_name_successors(
        self, data: ProvinceData
    ) -> None:
        gone = {_unit_named(data, name).id for name in MERGED_AWAY}
        for agencies in data.centre_agencies.values():
            assert not gone & set(agencies)
        counter_names = " ".join(k.name for k in data.counters)
        assert "Thông tin và Truyền thông" not in counter_names
        assert "Lao động - Thương binh" not in counter_names
        assert "Quầy 2 — Sở Y tế" in counter_names
        assert "Quầy 6 — Sở Nội vụ: lao động, việc làm, người có công" in counter_names

    def test_commune_centres_are_public_administration_service_centres_from_1_july_2025(
        self, data: ProvinceData
    ) -> None:
        units = {u.id: u for u in data.units}
        commune_centres = [c for c in data.centres if units[c.unit_id].kind in COMMUNE_LEVEL]
        assert len(commune_centres) >= 4
        for centre in commune_centres:
            unit = units[centre.unit_id]
            assert unit.valid_from == TWO_TIERS_ON
            place = unit.name.removeprefix("Ủy ban nhân dân ")  # "phường Thành Sen", "xã Cẩm Xuyên"
            assert place.split()[0] in ("xã", "phường")
            assert centre.name == f"Trung tâm Phục vụ hành chính công {place}"

    def test_codes_not_found_in_the_national_database_are_marked_samples(
        self, data: ProvinceData, raw: dict[str, Any]
    ) -> None:
        by_code = {p.code: p for p in data.procedures}
        assert by_code["1.005430"].sample  # an illustrative code (Sở Tài chính)
        assert by_code["1.000105"].sample and by_code["1.000105.000.00.09.H27"].sample  # dated copy too
        assert not by_code["1.001193.000.00.31.H27"].sample  # Đăng ký khai sinh, a national code
        flagged = {row["code"] for row in raw["procedures"] if row.get("sample")}
        national = {".".join(p.code.split(".")[:2]) for p in data.procedures if p.sample}  # copies keep the flag
        assert flagged == national
        i = _index(raw["procedures"], id="p-kh-hop-chuan")

        def not_a_flag(d: dict[str, Any]) -> None:
            d["procedures"][i]["sample"] = "có"

        assert _broken(raw, not_a_flag).params == {"path": f"procedures[{i}]", "field": "sample", "value": "có"}

    def test_former_agencies_are_checked(self, raw: dict[str, Any]) -> None:
        i = _index(raw["procedures"], id="p-ld-giay-phep-lao-dong")

        def unknown(d: dict[str, Any]) -> None:
            d["procedures"][i]["former_agencies"] = [{"agency": "u-so-khong-co", "valid_to": "2025-02-28"}]

        def no_date(d: dict[str, Any]) -> None:
            d["procedures"][i]["former_agencies"] = [{"agency": "u-so-ldtbxh"}]

        def itself(d: dict[str, Any]) -> None:
            d["procedures"][i]["former_agencies"] = [{"agency": "u-so-noi-vu", "valid_to": "2025-02-28"}]

        assert _broken(raw, unknown).code == "catalog_data.unknown_reference"
        assert _broken(raw, no_date).params["field"] == "valid_to"
        assert _broken(raw, itself).params == {
            "path": f"procedures[{i}].former_agencies[0]", "field": "agency", "value": "u-so-noi-vu"
        }


# --- broken inputs -----------------------------------------------------------------------------


def _index(rows: list[dict[str, Any]], **match: Any) -> int:
    return next(i for i, r in enumerate(rows) if all(r.get(k) == v for k, v in match.items()))


def _broken(raw: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> DomainError:
    bad = copy.deepcopy(raw)
    change(bad)
    with pytest.raises(DomainError) as info:
        parse_province_data(bad)
    return info.value


class TestBrokenInput:
    def test_sample_parses_from_a_dict_too(self, raw: dict[str, Any]) -> None:
        assert parse_province_data(copy.deepcopy(raw)).label

    def test_unknown_field_reference(self, raw: dict[str, Any]) -> None:
        i = _index(raw["procedures"], id="p-kh-hop-chuan")

        def change(d: dict[str, Any]) -> None:
            d["procedures"][i]["field"] = "f-khong-co"

        err = _broken(raw, change)
        assert err.code == "catalog_data.unknown_reference"
        assert err.params == {"path": f"procedures[{i}]", "field": "field", "ref": "f-khong-co"}

    def test_unknown_agency_reference(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["procedures"][0]["agency"] = "u-so-khong-co"

        err = _broken(raw, change)
        assert err.code == "catalog_data.unknown_reference"
        assert err.params["path"] == "procedures[0]"
        assert err.params["field"] == "agency"

    def test_unknown_centre_of_staff(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["staff"][2]["centre"] = "c-khong-co"

        err = _broken(raw, change)
        assert err.code == "catalog_data.unknown_reference"
        assert err.params == {"path": "staff[2]", "field": "centre", "ref": "c-khong-co"}

    def test_duplicate_unit_id(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            twin = dict(d["units"][1], code="000.00.99.H27")
            d["units"].append(twin)

        err = _broken(raw, change)
        assert err.code == "catalog_data.duplicate"
        assert err.params == {"kind": "unit", "id": raw["units"][1]["id"]}

    def test_duplicate_procedure_code(self, raw: dict[str, Any]) -> None:
        i = _index(raw["procedures"], id="p-gd-chuyen-truong-thpt")
        j = _index(raw["procedures"], id="p-gd-phuc-khao-thpt")

        def change(d: dict[str, Any]) -> None:
            d["procedures"][j]["code"] = d["procedures"][i]["code"]

        err = _broken(raw, change)
        assert err.code == "catalog_data.duplicate"
        assert err.params == {"kind": "procedure_code", "id": raw["procedures"][i]["code"]}

    def test_duplicate_username(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["staff"][1]["username"] = d["staff"][0]["username"]

        err = _broken(raw, change)
        assert err.code == "catalog_data.duplicate"
        assert err.params["kind"] == "username"

    def test_negative_fee(self, raw: dict[str, Any]) -> None:
        i = _index(raw["procedures"], id="p-trich-luc-ho-tich")

        def change(d: dict[str, Any]) -> None:
            d["procedures"][i]["fees"][0]["amount"] = -8000

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params == {
            "path": f"procedures[{i}].fees[0]",
            "field": "amount",
            "value": "-8000",
        }

    @pytest.mark.parametrize("amount", [8000.5, "8000", True])
    def test_fee_must_be_whole_dong(self, raw: dict[str, Any], amount: Any) -> None:
        i = _index(raw["procedures"], id="p-trich-luc-ho-tich")

        def change(d: dict[str, Any]) -> None:
            d["procedures"][i]["fees"][0]["amount"] = amount

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["path"] == f"procedures[{i}].fees[0]"

    def test_bad_duration_unit(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["procedures"][3]["duration"]["unit"] = "weeks"

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params == {"path": "procedures[3].duration", "field": "unit", "value": "weeks"}

    def test_zero_duration(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            counted = next(p for p in d["procedures"] if p["duration"]["unit"] == "working_days")
            counted["duration"]["amount"] = 0

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["field"] == "amount"

    def test_bad_date(self, raw: dict[str, Any]) -> None:
        i = _index(raw["units"], id="u-x-loc-ha")

        def change(d: dict[str, Any]) -> None:
            d["units"][i]["valid_from"] = "2025-02-30"

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params == {"path": f"units[{i}]", "field": "valid_from", "value": "2025-02-30"}

    def test_valid_to_before_valid_from(self, raw: dict[str, Any]) -> None:
        i = _index(raw["units"], id="u-x-loc-ha")

        def change(d: dict[str, Any]) -> None:
            d["units"][i]["valid_to"] = "2025-01-01"

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["field"] == "valid_to"

    def test_calendar_day_outside_its_year(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["calendar"]["years"]["2026"]["days"].append(
                {"date": "2027-01-04", "kind": "off", "name": "x", "issuer": "province", "source": "x"}
            )

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["field"] == "date"
        assert err.params["path"].startswith("calendar.years.2026.days[")

    def test_calendar_day_listed_twice(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["calendar"]["years"]["2026"]["days"].append(
                {"date": "2026-01-02", "kind": "working", "name": "x", "issuer": "province", "source": "x"}
            )

        err = _broken(raw, change)
        assert err.code == "catalog_data.duplicate"
        assert err.params == {"kind": "calendar day 2026", "id": "2026-01-02"}

    def test_calendar_day_needs_a_known_issuer(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["calendar"]["years"]["2026"]["days"][0]["issuer"] = "newspaper"

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["field"] == "issuer"

    def test_same_day_procedures_follow_the_law(self, data: ProvinceData) -> None:
        # Luật Hộ tịch / NĐ 123/2015 (khai sinh, kết hôn, khai tử, trích lục) and NĐ 23/2015 Art. 7
        # (bản sao từ sổ gốc, chứng thực bản sao, chữ ký): the same day, the next after 15:00
        by_national = {p.code.split(".000.")[0] if ".000." in p.code else p.code: p for p in data.procedures}
        for code in ["1.001193", "1.000894", "1.000656", "2.000635", "2.000815", "2.000884", "1.005092"]:
            duration = by_national[code].duration
            assert duration.unit is DurationUnit.SAME_WORKING_DAY, code
            assert duration.cutoff == time(15, 0), code
        # chứng thực hợp đồng stays 2 working days (NĐ 23/2015 Art. 7: không quá 02 ngày làm việc)
        assert by_national["2.001035"].duration == Duration(DurationUnit.WORKING_DAYS, 2)

    def test_same_day_cutoff_must_be_a_time(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["procedures"][0]["duration"] = {"unit": "same_working_day", "cutoff": "25:00"}

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["field"] == "cutoff"

    def test_cutoff_only_for_same_day(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["procedures"][0]["duration"] = {"unit": "working_days", "amount": 3, "cutoff": "15:00"}

        err = _broken(raw, change)
        assert err.code == "catalog_data.unknown_key"

    def test_unknown_enum_values(self, raw: dict[str, Any]) -> None:
        def kind(d: dict[str, Any]) -> None:
            d["units"][0]["kind"] = "county"

        def role(d: dict[str, Any]) -> None:
            d["staff"][0]["role"] = "boss"

        def channel(d: dict[str, Any]) -> None:
            d["procedures"][0]["channels"].append("fax")

        assert _broken(raw, kind).params["field"] == "kind"
        assert _broken(raw, role).params["field"] == "role"
        err = _broken(raw, channel)
        assert err.code == "catalog_data.bad_value"
        assert err.params["path"] == "procedures[0]"
        assert err.params["value"] == "fax"

    def test_missing_field(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            del d["procedures"][5]["name"]

        err = _broken(raw, change)
        assert err.code == "catalog_data.missing_field"
        assert err.params == {"path": "procedures[5]", "field": "name"}

    def test_procedure_without_components(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["procedures"][5]["components"] = []

        err = _broken(raw, change)
        assert err.code == "catalog_data.missing_field"
        assert err.params == {"path": "procedures[5]", "field": "components"}

    def test_misspelt_key(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["procedures"][0]["components"][0]["orginals"] = 1

        err = _broken(raw, change)
        assert err.code == "catalog_data.unknown_key"
        assert err.params == {"path": "procedures[0].components[0]", "field": "orginals"}

    def test_in_person_procedure_cannot_take_postal_dossiers(self, raw: dict[str, Any]) -> None:
        i = _index(raw["procedures"], id="p-ket-hon")

        def change(d: dict[str, Any]) -> None:
            d["procedures"][i]["channels"].append("post")
            d["procedures"][i]["post_dossier"] = True

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["field"] == "requires_in_person"

    def test_bad_office_hours(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["calendar"]["office_hours"] = [["13:30", "17:00"], ["07:00", "11:30"]]

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["path"] == "calendar"
        assert err.params["field"] == "office_hours[1]"

    def test_dossier_code_pattern_without_sequence(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["dossier_code"]["pattern"] = "{agency}-{day:%y%m%d}"

        err = _broken(raw, change)
        assert err.code == "catalog_data.bad_value"
        assert err.params["field"] == "pattern"

    def test_unreadable_file(self, tmp_path: Path) -> None:
        broken = tmp_path / "province.json"
        broken.write_text("{not json", encoding="utf-8")
        with pytest.raises(DomainError) as info:
            load_province_data(broken)
        assert info.value.code == "catalog_data.unreadable"

    def test_nfd_text_is_stored_as_nfc(self, raw: dict[str, Any]) -> None:
        def change(d: dict[str, Any]) -> None:
            d["units"][0]["name"] = "  " + unicodedata.normalize(
                "NFD", "Ủy ban nhân dân tỉnh Hà Tĩnh"
            )

        bad = copy.deepcopy(raw)
        change(bad)
        parsed = parse_province_data(bad)
        assert parsed.units[0].name == "Ủy ban nhân dân tỉnh Hà Tĩnh"
