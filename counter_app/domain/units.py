"""Administrative units (a tree of any depth), centres and counters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from counter_app.domain.errors import DomainError


class UnitKind(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"  # abolished 1 July 2025; kept for historical records
    COMMUNE = "commune"
    WARD = "ward"
    SPECIAL_ZONE = "special_zone"
    DEPARTMENT = "department"  # sở, ban, ngành
    ENTERPRISE = "enterprise"  # e.g. the electricity company
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    code: str
    name: str
    kind: UnitKind
    parent_id: str | None = None
    short_name: str = ""
    valid_from: date | None = None
    valid_to: date | None = None  # last day the unit existed, None = still valid

    def is_valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)

    @property
    def display_short_name(self) -> str:
        """The unit's own short name ("Sở LĐ-TB&XH"), else its name with "UBND" for the committee."""
        return self.short_name or short_agency_name(self.name)


_AGENCY_ABBREVIATIONS = (("Ủy ban nhân dân", "UBND"), ("Uỷ ban nhân dân", "UBND"))


def short_agency_name(name: str) -> str:
    """"Ủy ban nhân dân phường Thành Sen" → "UBND phường Thành Sen", as written on forms."""
    for long, short in _AGENCY_ABBREVIATIONS:
        if name.startswith(long):
            return short + name[len(long) :]
    return name


class UnitTree:
    """Units indexed by id with parent/child navigation; any depth, no fixed levels."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._by_id: dict[str, Unit] = {}
        self._children: dict[str | None, list[Unit]] = {}
        for unit in units:
            if unit.id in self._by_id:
                raise DomainError("unit.duplicate_id", unit_id=unit.id)
            self._by_id[unit.id] = unit
        for unit in self._by_id.values():
            if unit.parent_id is not None and unit.parent_id not in self._by_id:
                raise DomainError("unit.unknown_parent", unit_id=unit.id, parent_id=unit.parent_id)
            self._children.setdefault(unit.parent_id, []).append(unit)
        for siblings in self._children.values():
            siblings.sort(key=lambda u: (u.code, u.name))
        for unit in self._by_id.values():  # reject cycles
            self.ancestors(unit.id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._by_id

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._by_id.values())

    def get(self, unit_id: str) -> Unit:
        try:
            return self._by_id[unit_id]
        except KeyError:
            raise DomainError("unit.unknown", unit_id=unit_id) from None

    def roots(self) -> list[Unit]:
        return list(self._children.get(None, []))

    def children(self, unit_id: str, *, on: date | None = None) -> list[Unit]:
        kids = self._children.get(unit_id, [])
        return [u for u in kids if on is None or u.is_valid_on(on)]

    def ancestors(self, unit_id: str) -> list[Unit]:
        """Parents from the nearest up to the root."""
        result: list[Unit] = []
        seen = {unit_id}
        current = self.get(unit_id)
        while current.parent_id is not None:
            if current.parent_id in seen:
                raise DomainError("unit.cycle", unit_id=unit_id)
            seen.add(current.parent_id)
            current = self._by_id[current.parent_id]
            result.append(current)
        return result

    def path(self, unit_id: str) -> list[Unit]:
        """Root first, the unit itself last."""
        return [*reversed(self.ancestors(unit_id)), self.get(unit_id)]

    def descendants(self, unit_id: str) -> list[Unit]:
        result: list[Unit] = []
        stack = list(reversed(self._children.get(unit_id, [])))
        while stack:
            unit = stack.pop()
            result.append(unit)
            stack.extend(reversed(self._children.get(unit.id, [])))
        return result

    def of_kind(self, *kinds: UnitKind, on: date | None = None) -> list[Unit]:
        return [
            u for u in self._by_id.values() if u.kind in kinds and (on is None or u.is_valid_on(on))
        ]


@dataclass(frozen=True, slots=True)
class Centre:
    """A public-administration service centre or one-stop section: a place with counters."""

    id: str
    code: str
    name: str
    unit_id: str  # the administrative unit the centre serves (province or commune)
    address: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Counter:
    """A desk at a centre, numbered on displays."""

    id: str
    centre_id: str
    number: int
    name: str
    active: bool = True
