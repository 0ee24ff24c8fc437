"""Addresses since 1 July 2025: street/house + commune (xã/phường/đặc khu) + province, for every province.

The 34 provinces and their communes come from the national list (the ``vietnam-provinces``
package, official codes); the centre's own province also lists the units of the store's
unit tree, with their ids. An address printed on a CCCD card is read into those parts; a
pre-2025 address (commune, district, province) is converted to the 2025 units with the
official old → new table of the ``vietnam-address-converter`` package when it can be, and
otherwise left in the street line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from counter_app.domain.errors import DomainError
from counter_app.domain.identity import split_address
from counter_app.domain.text import normalize, search_key
from counter_app.domain.units import Unit, UnitKind, UnitTree

_log = logging.getLogger(__name__)

LOCAL_UNIT_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)
_COMMITTEE_PREFIXES = ("ủy ban nhân dân ", "uỷ ban nhân dân ", "ubnd ")
# Kind words in front of a place name, longest first (accent-free keys).
_PROVINCE_WORDS = ("thanh pho truc thuoc trung uong ", "thanh pho ", "tinh ", "tp. ", "tp ")
_COMMUNE_WORDS = ("dac khu ", "phuong ", "xa ", "thi tran ", "p. ", "x. ")
_DISTRICT_WORDS = ("huyen ", "quan ", "thi xa ", "thanh pho ", "tp. ", "tp ", "h. ", "q. ", "tx. ", "tx ")
_KIND_WORDS = {"tỉnh": "tỉnh", "thành phố trung ương": "thành phố"}


@dataclass(frozen=True, slots=True)
class Place:
    """A province or a commune as it is written in an address."""

    code: str  # official code ("42", "18073"); "" for a store unit the national list lacks
    name: str  # as printed: "tỉnh Hà Tĩnh", "thành phố Hà Nội", "phường Thành Sen"
    unit_id: str | None = None  # the store's unit, when the store's tree has it
    province_code: str = ""  # for a commune: its province

    @property
    def bare(self) -> str:
        """The name without its kind word: "Thành Sen"."""
        return _strip_kind(self.name, _PROVINCE_WORDS + _COMMUNE_WORDS)

    @property
    def key(self) -> str:
        return search_key(self.bare)


@dataclass(frozen=True, slots=True)
class ReadAddress:
    """An address text split into its 2025 parts; what could not be placed stays in ``street``."""

    street: str
    province: Place | None
    commune: Place | None
    converted_from: str = ""  # the pre-2025 text when it was converted to 2025 units
    needs_conversion: bool = False  # a pre-2025 address that convert_pre_2025 may place


def place_name(unit: Unit) -> str:
    """"Ủy ban nhân dân phường Thành Sen" → "phường Thành Sen" (an address, not an agency)."""
    lowered = unit.name.lower()
    for prefix in _COMMITTEE_PREFIXES:
        if lowered.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def _strip_kind(name: str, words: Iterable[str]) -> str:
    key = search_key(name)
    for word in words:
        if key.startswith(word) and len(key) > len(word):
            # the same number of characters in the original (accents do not change the count in NFC)
            return normalize(normalize(name)[len(word) :])
    return normalize(name)


def _lower_kind(name: str) -> str:
    """"Phường Thành Sen" → "phường Thành Sen"; "Đặc khu Phú Quốc" → "đặc khu Phú Quốc"."""
    text = normalize(name)
    key = search_key(text)
    for word in _COMMUNE_WORDS[:4] + ("thanh pho ",):
        if key.startswith(word):
            return text[: len(word)].lower() + text[len(word) :]
    return text


def full_address(street: str, commune: str, province: str) -> str:
    """"Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh" (empty parts left out)."""
    return ", ".join(p for p in (normalize(street), normalize(commune), normalize(province)) if p)


class AddressBook:
    """Provinces and communes valid on ``today`` for an address; the store's units first."""

    def __init__(self, units: UnitTree | None, today: date) -> None:
        self._today = today
        self._provinces: list[Place] = []
        self._communes: dict[str, list[Place]] = {}
        self._load(units)

    # -- building ------------------------------------------------------------------------
    def _load(self, units: UnitTree | None) -> None:
        national = _national_list()
        store_provinces: dict[str, Unit] = {}
        if units is not None:
            for unit in units.of_kind(UnitKind.PROVINCE, on=self._today):
                store_provinces[search_key(_strip_kind(place_name(unit), _PROVINCE_WORDS))] = unit
        for code, name, wards in national:
            key = search_key(_strip_kind(name, _PROVINCE_WORDS))
            stored = store_provinces.pop(key, None)
            province = Place(code, name, stored.id if stored else None)
            communes = [Place(w_code, w_name, None, code) for w_code, w_name in wards]
            if stored is not None and units is not None:
                communes = self._merge_store_communes(units, stored, code, communes)
            self._provinces.append(province)
            self._communes[code] = sorted(communes, key=lambda p: p.key)
        for unit in store_provinces.values():  # a store province the national list lacks
            province = Place("", place_name(unit), unit.id)
            self._provinces.append(province)
            self._communes[province.unit_id or ""] = sorted(
                (Place("", place_name(u), u.id) for u in self._store_communes(units, unit)),  # type: ignore[arg-type]  # store_provinces is empty when units is None
                key=lambda p: p.key,
            )
        self._provinces.sort(key=lambda p: (p.unit_id is None, p.key))

    def _store_communes(self, units: UnitTree, province: Unit) -> list[Unit]:
        return [u for u in units.descendants(province.id) if u.kind in LOCAL_UNIT_KINDS and u.is_valid_on(self._today)]

    def _merge_store_communes(self, units: UnitTree, province: Unit, code: str, national: list[Place]) -> list[Place]:
        by_key = {(search_key(p.name)): p for p in national}
        merged: dict[str, Place] = {search_key(p.name): p for p in national}
        for unit in self._store_communes(units, province):
            name = place_name(unit)
            key = search_key(name)
            match = by_key.get(key)
            merged[key] = Place(match.code if match else "", match.name if match else name, unit.id, code)
        return list(merged.values())

    # -- lists and search ---------------------------------------------------------------
    def provinces(self) -> list[Place]:
        """The centre's own province (the store knows it) first, then the others by name."""
        return list(self._provinces)

    def province(self, code_or_unit: str) -> Place | None:
        return next((p for p in self._provinces if code_or_unit and code_or_unit in (p.code, p.unit_id)), None)

    def communes(self, province: Place) -> list[Place]:
        return list(self._communes.get(province.code or province.unit_id or "", []))

    def search_communes(self, province: Place, text: str) -> list[Place]:
        """Communes whose name (with or without "phường"/"xã", accents optional) starts with ``text``.

        "thanh sen", "Thành Sen", "phuong thanh sen" and "sen" find "phường Thành Sen".
        """
        query = search_key(text)
        if not query:
            return self.communes(province)
        bare_query = search_key(_strip_kind(text, _COMMUNE_WORDS))
        starts: list[Place] = []
        words: list[Place] = []
        for place in self.communes(province):
            full = search_key(place.name)
            if place.key.startswith(bare_query) or full.startswith(query):
                starts.append(place)
            elif f" {bare_query}" in f" {place.key}":
                words.append(place)
        return starts + words

    def find_province(self, text: str) -> Place | None:
        key = search_key(_strip_kind(text, _PROVINCE_WORDS))
        return next((p for p in self._provinces if key and p.key == key), None)

    def find_commune(self, province: Place, text: str) -> Place | None:
        key = search_key(_strip_kind(text, _COMMUNE_WORDS))
        full = search_key(text)
        found = [p for p in self.communes(province) if p.key == key]
        if len(found) > 1:  # "phường X" and "xã X" in one province: the kind word decides
            found = [p for p in found if search_key(p.name) == full] or found
        return found[0] if found else None

    # -- reading an address ----------------------------------------------------------------
    def read(self, text: str) -> ReadAddress:
        """Split an address into street + commune + province (2025 units) as far as the list allows."""
        parts = split_address(text)
        if not parts:
            return ReadAddress("", None, None)
        province = self.find_province(parts[-1])
        if province is None:
            return ReadAddress(", ".join(parts), None, None, needs_conversion=len(parts) >= 3)
        if len(parts) >= 2:
            commune = self.find_commune(province, parts[-2])
            if commune is not None and not _is_district(parts[-2]):
                return ReadAddress(", ".join(parts[:-2]), province, commune)
        # "…, Xã Thạch Trung, Thành phố Hà Tĩnh, Hà Tĩnh": a district before the province
        needs = len(parts) >= 3 or (len(parts) >= 2 and _is_district(parts[-2]))
        return ReadAddress(", ".join(parts[:-1]), province, None, needs_conversion=needs)

    def convert_pre_2025(self, text: str) -> ReadAddress:
        """A pre-2025 address (commune, district, province) in 2025 units (the table loads in ~0.3 s once).

        When the converter cannot place it for sure, the result is ``read(text)``: the province
        if it is still one, and everything else in the street line.
        """
        plain = self.read(text)
        parts = split_address(text)
        converted = _convert_old(", ".join(parts))
        if converted is None:
            return replace_flag(plain)
        province_name, ward_name, levels = converted
        province = self.find_province(province_name)
        commune = self.find_commune(province, ward_name) if province is not None else None
        if province is None or commune is None:
            return replace_flag(plain)
        street = ", ".join(parts[: max(0, len(parts) - levels)])
        return ReadAddress(street, province, commune, converted_from=normalize(text))


def replace_flag(read: ReadAddress) -> ReadAddress:
    return ReadAddress(read.street, read.province, read.commune, read.converted_from, needs_conversion=False)


def _is_district(part: str) -> bool:
    key = search_key(part)
    return key.startswith(("huyen ", "quan ", "thi xa ", "thanh pho ", "tp ", "tp. ", "tx "))


# -- the national list and the converter (third-party data, loaded once) -------------------

_national: list[tuple[str, str, list[tuple[str, str]]]] | None = None
_national_lock = threading.Lock()


def _national_list() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(province code, "tỉnh Hà Tĩnh", [(ward code, "phường Thành Sen"), …]), …] for the 34 provinces."""
    global _national
    with _national_lock:
        if _national is None:
            from vietnam_provinces import Province, Ward

            provinces = []
            for p in Province.iter_all():
                code = int(p.code)
                kind = _KIND_WORDS.get(p.division_type.value, "tỉnh")
                bare = _strip_kind(p.name, _PROVINCE_WORDS)
                wards = [(f"{int(w.code):05d}", _lower_kind(w.name)) for w in Ward.iter_by_province(p.code)]
                provinces.append((f"{code:02d}", f"{kind} {bare}", wards))
            _national = provinces
        return _national


_converter_lock = threading.Lock()


_old_index: dict[str, set[tuple[str, str]]] | None = None


def _old_units_index() -> dict[str, set[tuple[str, str]]]:
    """"ha tinh|ha tinh|bac ha" → {("Tỉnh Hà Tĩnh", "Phường Thành Sen")} from the converter's mapping table."""
    global _old_index
    if _old_index is None:
        index: dict[str, set[tuple[str, str]]] = {}
        try:
            from vietnam_address_converter.data import DEFAULT_DATA

            for row in DEFAULT_DATA["mapping"]["rows"]:
                new = row["new"]
                index.setdefault(row["keys"]["old_name_path"], set()).add((new["province_name"], new["ward_name"]))
        except (ImportError, KeyError, TypeError):  # another data layout: pre-2025 addresses stay in the street line
            _log.warning("the pre-2025 mapping table of vietnam-address-converter has an unexpected layout")
        _old_index = index
    return _old_index


def _convert_old(text: str) -> tuple[str, str, int] | None:
    """(new province name, new ward name, how many address parts were units) or None.

    An address written in full ("Xã …, Huyện …, Tỉnh …", as on CCCD cards; accents and "TP."/"X."
    abbreviations optional) is looked up in the official old → new table the converter ships; an
    old commune split between several new ones is not guessed. The converter's free-text parser
    is not used: its first call takes 8–18 s of CPU (measured on the counter's 2-core machine),
    too long for a clerk, and what it could place with confidence the table already does.
    """
    parts = split_address(text)
    if len(parts) < 3:
        return None
    path = "|".join(
        search_key(_strip_kind(part, words))
        for part, words in ((parts[-1], _PROVINCE_WORDS), (parts[-2], _DISTRICT_WORDS), (parts[-3], _COMMUNE_WORDS))
    )
    with _converter_lock:  # the table is built on first use; one thread at a time
        found = _old_units_index().get(path)
    if found is None or len(found) != 1:
        return None
    province, ward = next(iter(found))
    return province, ward, 3


def require_full_address(text: str, book: AddressBook, field: str) -> ReadAddress:
    """The address must have a street/house line, a commune and a province (2025 units).

    A commune of the centre's own province written without the province ("Số 5, phường
    Thành Sen") is completed with it; the caller stores ``full_address(...)`` of the result.
    """
    if not normalize(text):
        raise DomainError("intake.required", field=field)
    read = book.read(text)
    home = book.provinces()[0] if book.provinces() and book.provinces()[0].unit_id else None
    if read.province is None and home is not None:
        parts = split_address(text)
        commune = book.find_commune(home, parts[-1]) if len(parts) >= 2 else None
        if commune is not None:
            read = ReadAddress(", ".join(parts[:-1]), home, commune)
    if read.province is None or read.commune is None or not read.street:
        raise DomainError("address.incomplete", field=field, value=normalize(text))
    return read


def read_full_address(read: ReadAddress) -> str:
    return full_address(
        read.street, read.commune.name if read.commune else "", read.province.name if read.province else ""
    )
