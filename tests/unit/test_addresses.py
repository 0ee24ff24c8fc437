"""Addresses in 2025 units: the 34 provinces and their communes, search by place name, reading CCCD addresses."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from counter_app.domain.errors import DomainError
from counter_app.domain.units import Unit, UnitKind, UnitTree
from counter_app.services.addresses import AddressBook, full_address, require_full_address

TODAY = date(2026, 12, 4)


def demo_tree() -> UnitTree:
    """The shape of the store's tree: the centre's province, a department, two 2025 wards, a pre-2025 commune."""
    return UnitTree(
        [
            Unit("u-tinh", "000.00.00.H27", "Ủy ban nhân dân tỉnh Hà Tĩnh", UnitKind.PROVINCE),
            Unit("u-so", "000.00.01.H27", "Sở Nội vụ tỉnh Hà Tĩnh", UnitKind.DEPARTMENT, "u-tinh"),
            Unit("u-p-thanh-sen", "000.00.31.H27", "Ủy ban nhân dân phường Thành Sen", UnitKind.WARD, "u-tinh",
                 valid_from=date(2025, 7, 1)),
            Unit("u-x-loc-ha", "000.00.42.H27", "Ủy ban nhân dân xã Lộc Hà", UnitKind.COMMUNE, "u-tinh",
                 valid_from=date(2025, 7, 1)),
            Unit("u-tt-old", "000.01.25.H27", "Ủy ban nhân dân thị trấn Cẩm Xuyên", UnitKind.COMMUNE, "u-tinh",
                 valid_to=date(2025, 6, 30)),
        ]
    )


@pytest.fixture(scope="module")
def book() -> AddressBook:
    return AddressBook(demo_tree(), TODAY)


def test_all_34_provinces_with_the_centres_own_first(book: AddressBook) -> None:
    provinces = book.provinces()
    assert len(provinces) == 34
    assert provinces[0].name == "tỉnh Hà Tĩnh"
    assert provinces[0].unit_id == "u-tinh" and provinces[0].code == "42"
    names = {p.name for p in provinces}
    assert {"thành phố Hà Nội", "thành phố Hồ Chí Minh", "tỉnh Cà Mau", "thành phố Huế"} <= names


def test_own_province_lists_store_units_and_the_rest_of_the_national_list(book: AddressBook) -> None:
    ha_tinh = book.provinces()[0]
    communes = book.communes(ha_tinh)
    assert len(communes) == 69  # Hà Tĩnh since 1 July 2025
    thanh_sen = next(c for c in communes if c.name == "phường Thành Sen")
    assert (thanh_sen.unit_id, thanh_sen.code) == ("u-p-thanh-sen", "18073")
    assert all(c.name != "thị trấn Cẩm Xuyên" for c in communes)  # ended 30/06/2025


def test_other_provinces_come_from_the_national_list(book: AddressBook) -> None:
    hanoi = book.find_province("Thành phố Hà Nội")
    assert hanoi is not None and hanoi.unit_id is None and hanoi.code == "01"
    hoan_kiem = book.find_commune(hanoi, "Phường Hoàn Kiếm")
    assert hoan_kiem is not None and hoan_kiem.name == "phường Hoàn Kiếm"


@pytest.mark.parametrize("typed", ["thanh sen", "Thành Sen", "THANH SEN", "phuong thanh sen", "sen", "Thanh"])
def test_commune_search_by_place_name_without_kind_or_accents(book: AddressBook, typed: str) -> None:
    ha_tinh = book.provinces()[0]
    assert "phường Thành Sen" in [c.name for c in book.search_communes(ha_tinh, typed)][:3]


def test_commune_search_in_nfd_text(book: AddressBook) -> None:
    ha_tinh = book.provinces()[0]
    found = book.search_communes(ha_tinh, unicodedata.normalize("NFD", "Lộc Hà"))
    assert found[0].name == "xã Lộc Hà"


def test_reads_a_post_2025_address(book: AddressBook) -> None:
    read = book.read("Số 5 đường Phan Đình Phùng, Phường Thành Sen, Tỉnh Hà Tĩnh")
    assert read.street == "Số 5 đường Phan Đình Phùng"
    assert read.commune is not None and read.commune.unit_id == "u-p-thanh-sen"
    assert read.province is not None and read.province.code == "42"
    assert not read.needs_conversion


def test_reads_an_address_of_another_province(book: AddressBook) -> None:
    read = book.read("Số 12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội")
    assert (read.street, read.commune and read.commune.name, read.province and read.province.name) == (
        "Số 12 Hàng Bạc", "phường Hoàn Kiếm", "thành phố Hà Nội",
    )


def test_a_pre_2025_address_is_converted_to_the_new_units(book: AddressBook) -> None:
    old = "Thôn 3, Xã Thạch Trung, Thành phố Hà Tĩnh, Hà Tĩnh"
    assert book.read(old).needs_conversion
    read = book.convert_pre_2025(old)
    assert read.street == "Thôn 3"
    assert read.commune is not None and read.commune.name == "phường Trần Phú"
    assert read.province is not None and read.province.name == "tỉnh Hà Tĩnh"
    assert read.converted_from == old


def test_a_split_old_commune_is_not_guessed(book: AddressBook) -> None:
    # Phường Kim Mã (Ba Đình) was divided between several 2025 wards: the clerk asks the citizen.
    read = book.convert_pre_2025("Số 3, Phường Kim Mã, Quận Ba Đình, Thành phố Hà Nội")
    assert read.commune is None and read.converted_from == ""
    assert read.province is not None and read.province.name == "thành phố Hà Nội"
    assert read.street == "Số 3, Phường Kim Mã, Quận Ba Đình"


def test_full_address_and_the_home_delivery_rule(book: AddressBook) -> None:
    text = full_address("Số 5 đường Phan Đình Phùng", "phường Thành Sen", "tỉnh Hà Tĩnh")
    assert text == "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"
    assert require_full_address(text, book, "delivery_address").commune is not None
    for partial in ("Số 5 đường Phan Đình Phùng", "phường Thành Sen, tỉnh Hà Tĩnh", "Số 5, Hà Tĩnh"):
        with pytest.raises(DomainError) as err:
            require_full_address(partial, book, "delivery_address")
        assert err.value.code == "address.incomplete"


def test_an_old_address_written_without_accents_or_with_abbreviations_is_converted(book: AddressBook) -> None:
    read = book.convert_pre_2025("Thôn 3, X. Thach Trung, TP. Ha Tinh, Ha Tinh")
    assert read.commune is not None and read.commune.name == "phường Trần Phú"
    assert read.street == "Thôn 3"


def test_an_old_address_the_table_does_not_know_stays_in_the_street_line_at_once(book: AddressBook) -> None:
    import time

    started = time.perf_counter()
    read = book.convert_pre_2025("Số 5, Xã Không Có, Huyện Gì Đó, Tỉnh Hà Tĩnh")
    assert time.perf_counter() - started < 2.0  # no slow free-text parsing at the counter
    assert read.commune is None and read.converted_from == ""
    assert read.province is not None and read.province.name == "tỉnh Hà Tĩnh"
    assert read.street == "Số 5, Xã Không Có, Huyện Gì Đó"
