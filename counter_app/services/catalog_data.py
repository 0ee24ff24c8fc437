"""Read a province data file (units, centres, catalog, staff, calendar) into checked domain values.

The file is the JSON shape of ``resources/demo/province.json``. Everything is checked before
anything is returned; the first problem raises a ``DomainError``:

- ``catalog_data.missing_field`` (path, field): a required key is absent or empty;
- ``catalog_data.bad_value`` (path, field, value): wrong type, unknown enum value, bad date,
  negative amount, inconsistent flags …;
- ``catalog_data.unknown_reference`` (path, field, ref): an id that names nothing;
- ``catalog_data.duplicate`` (kind, id): the same id or code twice;
- ``catalog_data.unknown_key`` (path, field): a key this format does not know (catches typos).

``path`` is JSON-like: ``procedures[12].fees[0]``. Text is NFC-normalized and stripped.

Procedures marked ``"applies_to_all_communes": true`` are expanded into one procedure per
commune-level unit (commune, ward, special zone) that is still valid (``valid_to`` is null):
id ``"<id>@<unit id>"``, code ``"<national code>.<unit code>"``, agency that unit.

A procedure that moved to another agency (the 2025 reorganisation) lists the agencies that
decided it before in ``"former_agencies": [{"agency": …, "valid_to": "2025-02-28"}]``, oldest
first. Each becomes a dated copy of the procedure (same id/code scheme as above, ``valid_to`` that
day) so a dossier received before the move is received by, and keeps, the old agency; the
current procedure is valid from the day after the last move.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from counter_app.domain.calendar import CalendarDay, DayIssuer, OfficeHours, YearCalendar
from counter_app.domain.catalog import (
    Channel,
    Component,
    Duration,
    DurationUnit,
    Fee,
    FeeDue,
    FeeKind,
    Field,
    Procedure,
    ProcedureLevel,
)
from counter_app.domain.errors import DomainError
from counter_app.domain.identity import validate_phone
from counter_app.domain.text import normalize as _normalize_text
from counter_app.domain.units import Centre, Counter, Unit, UnitKind

FORMAT_VERSION = 1

# English message templates for the codes raised here (message ids for the gettext catalog).
COMMUNE_LEVEL_KINDS = frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE})


class StaffRole(StrEnum):
    CLERK = "clerk"  # nhân viên tiếp nhận, trả kết quả
    SUPERVISOR = "supervisor"  # giám sát, trưởng nhóm
    ADMIN = "admin"  # quản trị


@dataclass(frozen=True, slots=True)
class StaffSeed:
    """A staff account as written in the data file; the password is clear text, hash it on load."""

    id: str
    username: str
    full_name: str
    password: str
    centre_id: str
    role: StaffRole
    phone: str = ""  # national form, printed on Mẫu 02 for the guiding officer

    def __repr__(self) -> str:  # keep passwords out of logs
        return (
            f"StaffSeed(id={self.id!r}, username={self.username!r}, full_name={self.full_name!r}, "
            f"password='***', centre_id={self.centre_id!r}, role={self.role.value!r})"
        )


@dataclass(frozen=True, slots=True)
class ProvinceData:
    label: str
    units: tuple[Unit, ...]
    centres: tuple[Centre, ...]
    counters: tuple[Counter, ...]
    centre_agencies: dict[str, tuple[str, ...]]  # centre id -> unit ids whose dossiers it receives
    fields: tuple[Field, ...]
    procedures: tuple[Procedure, ...]  # commune templates already expanded per commune
    staff: tuple[StaffSeed, ...]
    office_hours: OfficeHours
    weekend: frozenset[int]
    # the province's published calendar per year; a year not here follows the holidays package
    yearly: dict[int, YearCalendar] = field(default_factory=dict)
    dossier_code_pattern: str = "{agency}-{day:%y%m%d}-{seq:04d}"


def counter_id(centre_id: str, number: int) -> str:
    """Deterministic id of a counter: ``c-tinh-q3``."""
    return f"{centre_id}-q{number}"


def expanded_procedure_id(template_id: str, unit_id: str) -> str:
    return f"{template_id}@{unit_id}"


def expanded_procedure_code(national_code: str, unit_code: str) -> str:
    return f"{national_code}.{unit_code}"


def load_province_data(path: Path) -> ProvinceData:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError("catalog_data.unreadable", path=str(path), reason=str(exc)) from exc
    return parse_province_data(raw)


def parse_province_data(raw: dict[str, Any]) -> ProvinceData:
    return _Parser().parse(raw)


# --- helpers ---------------------------------------------------------------------------------

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HHMM = re.compile(r"^\d{2}:\d{2}$")
_E = TypeVar("_E", bound=StrEnum)

_UNIT_KEYS = {"id", "code", "name", "short_name", "kind", "parent", "valid_from", "valid_to"}
_CENTRE_KEYS = {"id", "code", "name", "unit", "address", "phone", "counters", "agencies"}
_COUNTER_KEYS = {"number", "name", "active"}
_FIELD_KEYS = {"id", "code", "name"}
_PROCEDURE_KEYS = {
    "id", "code", "name", "field", "agency", "level", "duration", "components", "fees",
    "channels", "post_dossier", "post_result", "requires_in_person", "result_description",
    "legal_basis", "applies_to_all_communes", "catalog_version", "valid_from", "valid_to",
    "former_agencies", "sample",
}  # fmt: skip
_FORMER_AGENCY_KEYS = {"agency", "valid_to"}
_DURATION_KEYS = {"unit", "amount", "cutoff"}
_COMPONENT_KEYS = {"name", "originals", "certified_copies", "photocopies", "required", "note"}
_FEE_KEYS = {"name", "amount", "kind", "note", "due"}
_STAFF_KEYS = {"id", "username", "full_name", "password", "centre", "role", "phone"}
_CALENDAR_KEYS = {"office_hours", "weekend", "years"}
_YEAR_KEYS = {"source", "days"}
_DAY_KEYS = {"date", "kind", "name", "issuer", "source"}


class _Parser:
    # --- generic readers ---------------------------------------------------------------------

    @staticmethod
    def _obj(value: Any, path: str, field_name: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise DomainError(
                "catalog_data.bad_value", path=path, field=field_name, value=_show(value)
            )
        return value

    @staticmethod
    def _keys(obj: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in obj:
            if key not in allowed:
                raise DomainError("catalog_data.unknown_key", path=path, field=str(key))

    @staticmethod
    def _list(obj: Mapping[str, Any], path: str, key: str, *, required: bool = True) -> list[Any]:
        if key not in obj or obj[key] is None:
            if required:
                raise DomainError("catalog_data.missing_field", path=path, field=key)
            return []
        value = obj[key]
        if not isinstance(value, list):
            raise DomainError("catalog_data.bad_value", path=path, field=key, value=_show(value))
        return value

    @staticmethod
    def _text(obj: Mapping[str, Any], path: str, key: str, *, required: bool = True) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                raise DomainError("catalog_data.missing_field", path=path, field=key)
            return ""
        if not isinstance(value, str):
            raise DomainError("catalog_data.bad_value", path=path, field=key, value=_show(value))
        text = _normalize_text(value)
        if required and not text:
            raise DomainError("catalog_data.missing_field", path=path, field=key)
        return text

    def _id(self, obj: Mapping[str, Any], path: str, key: str = "id") -> str:
        value = self._text(obj, path, key)
        if not _ID.match(value):
            raise DomainError("catalog_data.bad_value", path=path, field=key, value=value)
        return value

    @staticmethod
    def _int(
        obj: Mapping[str, Any], path: str, key: str, *, default: int | None = None, minimum: int = 0
    ) -> int:
        if key not in obj or obj[key] is None:
            if default is None:
                raise DomainError("catalog_data.missing_field", path=path, field=key)
            return default
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise DomainError("catalog_data.bad_value", path=path, field=key, value=_show(value))
        return value

    @staticmethod
    def _bool(obj: Mapping[str, Any], path: str, key: str, *, default: bool) -> bool:
        if key not in obj or obj[key] is None:
            return default
        value = obj[key]
        if not isinstance(value, bool):
            raise DomainError("catalog_data.bad_value", path=path, field=key, value=_show(value))
        return value

    @staticmethod
    def _enum(
        enum: type[_E], obj: Mapping[str, Any], path: str, key: str, *, default: _E | None = None
    ) -> _E:
        value = obj.get(key)
        if value is None:
            if default is None:
                raise DomainError("catalog_data.missing_field", path=path, field=key)
            return default
        try:
            return enum(value)
        except ValueError:
            raise DomainError(
                "catalog_data.bad_value", path=path, field=key, value=_show(value)
            ) from None

    @staticmethod
    def _date(value: Any, path: str, key: str) -> date:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise DomainError("catalog_data.bad_value", path=path, field=key, value=_show(value))

    def _optional_date(self, obj: Mapping[str, Any], path: str, key: str) -> date | None:
        value = obj.get(key)
        return None if value is None else self._date(value, path, key)

    def _validity(self, obj: Mapping[str, Any], path: str) -> tuple[date | None, date | None]:
        valid_from = self._optional_date(obj, path, "valid_from")
        valid_to = self._optional_date(obj, path, "valid_to")
        if valid_from is not None and valid_to is not None and valid_to < valid_from:
            raise DomainError(
                "catalog_data.bad_value", path=path, field="valid_to", value=valid_to.isoformat()
            )
        return valid_from, valid_to

    @staticmethod
    def _unique(kind: str, values: Iterable[str]) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise DomainError("catalog_data.duplicate", kind=kind, id=value)
            seen.add(value)

    # --- sections ----------------------------------------------------------------------------

    def parse(self, raw: Any) -> ProvinceData:
        root = self._obj(raw, "$", "$")
        version = root.get("format_version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise DomainError(
                "catalog_data.bad_value", path="$", field="format_version", value=_show(version)
            )
        label = self._text(root, "$", "label")
        units = self._units(self._list(root, "$", "units"))
        units_by_id = {u.id: u for u in units}
        fields = self._fields(self._list(root, "$", "fields"))
        centres, counters, centre_agencies = self._centres(
            self._list(root, "$", "centres"), units_by_id
        )
        procedures = self._procedures(
            self._list(root, "$", "procedures"), units, {f.id for f in fields}
        )
        staff = self._staff(self._list(root, "$", "staff"), {c.id for c in centres})
        if "calendar" not in root:
            raise DomainError("catalog_data.missing_field", path="$", field="calendar")
        office_hours, weekend, yearly = self._calendar(
            self._obj(root["calendar"], "$", "calendar")
        )
        pattern = self._dossier_code(root)
        return ProvinceData(
            label=label,
            units=units,
            centres=centres,
            counters=counters,
            centre_agencies=centre_agencies,
            fields=fields,
            procedures=procedures,
            staff=staff,
            office_hours=office_hours,
            weekend=weekend,
            yearly=yearly,
            dossier_code_pattern=pattern,
        )

    def _units(self, rows: list[Any]) -> tuple[Unit, ...]:
        units: list[Unit] = []
        for i, row in enumerate(rows):
            path = f"units[{i}]"
            obj = self._obj(row, "$", f"units[{i}]")
            self._keys(obj, path, _UNIT_KEYS)
            valid_from, valid_to = self._validity(obj, path)
            parent = obj.get("parent")
            units.append(
                Unit(
                    id=self._id(obj, path),
                    code=self._text(obj, path, "code"),
                    name=self._text(obj, path, "name"),
                    kind=self._enum(UnitKind, obj, path, "kind"),
                    parent_id=None if parent is None else self._id(obj, path, "parent"),
                    short_name=self._text(obj, path, "short_name", required=False),
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
        if not units:
            raise DomainError("catalog_data.missing_field", path="$", field="units")
        self._unique("unit", (u.id for u in units))
        self._unique("unit_code", (u.code for u in units))
        ids = {u.id for u in units}
        for i, unit in enumerate(units):
            if unit.parent_id is not None and unit.parent_id not in ids:
                raise DomainError(
                    "catalog_data.unknown_reference",
                    path=f"units[{i}]",
                    field="parent",
                    ref=unit.parent_id,
                )
        parents = {u.id: u.parent_id for u in units}
        for i, unit in enumerate(units):  # reject cycles
            seen = {unit.id}
            current = unit.parent_id
            while current is not None:
                if current in seen:
                    raise DomainError(
                        "catalog_data.bad_value",
                        path=f"units[{i}]",
                        field="parent",
                        value=unit.parent_id,
                    )
                seen.add(current)
                current = parents[current]
        return tuple(units)

    def _fields(self, rows: list[Any]) -> tuple[Field, ...]:
        fields: list[Field] = []
        for i, row in enumerate(rows):
            path = f"fields[{i}]"
            obj = self._obj(row, "$", f"fields[{i}]")
            self._keys(obj, path, _FIELD_KEYS)
            fields.append(
                Field(
                    id=self._id(obj, path),
                    code=self._text(obj, path, "code"),
                    name=self._text(obj, path, "name"),
                )
            )
        self._unique("field", (f.id for f in fields))
        self._unique("field_code", (f.code for f in fields))
        return tuple(fields)

    def _centres(
        self, rows: list[Any], units_by_id: Mapping[str, Unit]
    ) -> tuple[tuple[Centre, ...], tuple[Counter, ...], dict[str, tuple[str, ...]]]:
        centres: list[Centre] = []
        counters: list[Counter] = []
        agencies_of: dict[str, tuple[str, ...]] = {}
        for i, row in enumerate(rows):
            path = f"centres[{i}]"
            obj = self._obj(row, "$", f"centres[{i}]")
            self._keys(obj, path, _CENTRE_KEYS)
            centre_id = self._id(obj, path)
            unit_id = self._id(obj, path, "unit")
            if unit_id not in units_by_id:
                raise DomainError(
                    "catalog_data.unknown_reference", path=path, field="unit", ref=unit_id
                )
            centres.append(
                Centre(
                    id=centre_id,
                    code=self._text(obj, path, "code"),
                    name=self._text(obj, path, "name"),
                    unit_id=unit_id,
                    address=self._text(obj, path, "address", required=False),
                    phone=self._text(obj, path, "phone", required=False),
                )
            )
            counter_rows = self._list(obj, path, "counters")
            if not counter_rows:
                raise DomainError("catalog_data.missing_field", path=path, field="counters")
            for j, counter_row in enumerate(counter_rows):
                cpath = f"{path}.counters[{j}]"
                cobj = self._obj(counter_row, path, f"counters[{j}]")
                self._keys(cobj, cpath, _COUNTER_KEYS)
                number = self._int(cobj, cpath, "number", minimum=1)
                counters.append(
                    Counter(
                        id=counter_id(centre_id, number),
                        centre_id=centre_id,
                        number=number,
                        name=self._text(cobj, cpath, "name", required=False) or f"Quầy {number}",
                        active=self._bool(cobj, cpath, "active", default=True),
                    )
                )
            agency_ids: list[str] = []
            for j, ref in enumerate(self._list(obj, path, "agencies")):
                if not isinstance(ref, str):
                    raise DomainError(
                        "catalog_data.bad_value",
                        path=path,
                        field=f"agencies[{j}]",
                        value=_show(ref),
                    )
                ref = _normalize_text(ref)
                if ref not in units_by_id:
                    raise DomainError(
                        "catalog_data.unknown_reference", path=path, field=f"agencies[{j}]", ref=ref
                    )
                if ref in agency_ids:
                    raise DomainError(
                        "catalog_data.duplicate", kind=f"agency of {centre_id}", id=ref
                    )
                agency_ids.append(ref)
            if not agency_ids:
                raise DomainError("catalog_data.missing_field", path=path, field="agencies")
            agencies_of[centre_id] = tuple(agency_ids)
        self._unique("centre", (c.id for c in centres))
        self._unique("centre_code", (c.code for c in centres))
        self._unique("counter", (c.id for c in counters))
        return tuple(centres), tuple(counters), agencies_of

    def _procedures(
        self, rows: list[Any], units: tuple[Unit, ...], field_ids: set[str]
    ) -> tuple[Procedure, ...]:
        units_by_id = {u.id: u for u in units}
        communes = [u for u in units if u.kind in COMMUNE_LEVEL_KINDS and u.valid_to is None]
        result: list[Procedure] = []
        template_codes: list[str] = []
        for i, row in enumerate(rows):
            path = f"procedures[{i}]"
            obj = self._obj(row, "$", f"procedures[{i}]")
            self._keys(obj, path, _PROCEDURE_KEYS)
            proc_id = self._id(obj, path)
            code = self._text(obj, path, "code")
            template_codes.append(code)
            field_id = self._id(obj, path, "field")
            if field_id not in field_ids:
                raise DomainError(
                    "catalog_data.unknown_reference", path=path, field="field", ref=field_id
                )
            level = self._enum(ProcedureLevel, obj, path, "level")
            all_communes = self._bool(obj, path, "applies_to_all_communes", default=False)
            agency = obj.get("agency")
            agency_id: str | None = None
            if agency is not None or not all_communes:
                agency_id = self._id(obj, path, "agency")
                if agency_id not in units_by_id:
                    raise DomainError(
                        "catalog_data.unknown_reference", path=path, field="agency", ref=agency_id
                    )
            if all_communes:
                if level is not ProcedureLevel.COMMUNE:
                    raise DomainError(
                        "catalog_data.bad_value", path=path, field="level", value=level.value
                    )
                if agency_id is not None and units_by_id[agency_id].kind not in COMMUNE_LEVEL_KINDS:
                    raise DomainError(
                        "catalog_data.bad_value", path=path, field="agency", value=agency_id
                    )
            duration = self._duration(obj, path)
            components = self._components(obj, path)
            fees = self._fees(obj, path)
            channels = self._channels(obj, path)
            post_dossier = self._bool(obj, path, "post_dossier", default=Channel.POST in channels)
            post_result = self._bool(obj, path, "post_result", default=False)
            in_person = self._bool(obj, path, "requires_in_person", default=False)
            if post_dossier != (Channel.POST in channels):
                raise DomainError(
                    "catalog_data.bad_value",
                    path=path,
                    field="post_dossier",
                    value=_show(post_dossier),
                )
            if in_person and post_dossier:
                raise DomainError(
                    "catalog_data.bad_value",
                    path=path,
                    field="requires_in_person",
                    value=_show(in_person),
                )
            valid_from, valid_to = self._validity(obj, path)
            template = Procedure(
                id=proc_id,
                code=code,
                name=self._text(obj, path, "name"),
                field_id=field_id,
                agency_unit_id=agency_id or "",
                level=level,
                duration=duration,
                components=components,
                fees=fees,
                channels=channels,
                post_dossier=post_dossier,
                post_result=post_result,
                requires_in_person=in_person,
                result_description=self._text(obj, path, "result_description", required=False),
                legal_basis=self._text(obj, path, "legal_basis", required=False),
                catalog_version=self._int(obj, path, "catalog_version", default=1, minimum=1),
                valid_from=valid_from,
                valid_to=valid_to,
                sample=self._bool(obj, path, "sample", default=False),
            )
            if not all_communes:
                former = self._former_agencies(obj, path, units_by_id, template)
                result.extend(former)
                if former:
                    moved_on = _day_after(former[-1].valid_to)
                    if template.valid_to is not None and template.valid_to < moved_on:
                        raise DomainError(
                            "catalog_data.bad_value", path=path, field="former_agencies",
                            value=_show(obj["former_agencies"]),
                        )
                    if template.valid_from is None or template.valid_from < moved_on:
                        template = replace(template, valid_from=moved_on)
                result.append(template)
                continue
            if "former_agencies" in obj:
                raise DomainError("catalog_data.unknown_key", path=path, field="former_agencies")
            for unit in communes:
                starts = [d for d in (valid_from, unit.valid_from) if d is not None]
                result.append(
                    replace(
                        template,
                        id=expanded_procedure_id(proc_id, unit.id),
                        code=expanded_procedure_code(code, unit.code),
                        agency_unit_id=unit.id,
                        valid_from=max(starts) if starts else None,
                    )
                )
        self._unique("procedure_code", template_codes)
        self._unique("procedure", (p.id for p in result))
        self._unique("procedure_code", (p.code for p in result))
        return tuple(result)

    def _former_agencies(
        self, obj: Mapping[str, Any], path: str, units_by_id: Mapping[str, Unit], current: Procedure
    ) -> list[Procedure]:
        """Dated copies of ``current`` for the agencies that decided it before, oldest first."""
        copies: list[Procedure] = []
        for j, row in enumerate(self._list(obj, path, "former_agencies", required=False)):
            fpath = f"{path}.former_agencies[{j}]"
            fobj = self._obj(row, path, f"former_agencies[{j}]")
            self._keys(fobj, fpath, _FORMER_AGENCY_KEYS)
            unit_id = self._id(fobj, fpath, "agency")
            if unit_id not in units_by_id:
                raise DomainError(
                    "catalog_data.unknown_reference", path=fpath, field="agency", ref=unit_id
                )
            if unit_id == current.agency_unit_id:
                raise DomainError("catalog_data.bad_value", path=fpath, field="agency", value=unit_id)
            if fobj.get("valid_to") is None:
                raise DomainError("catalog_data.missing_field", path=fpath, field="valid_to")
            valid_to = self._date(fobj["valid_to"], fpath, "valid_to")
            valid_from = _day_after(copies[-1].valid_to) if copies else current.valid_from
            if valid_from is not None and valid_to < valid_from:
                raise DomainError(
                    "catalog_data.bad_value", path=fpath, field="valid_to", value=valid_to.isoformat()
                )
            unit = units_by_id[unit_id]
            copies.append(
                replace(
                    current,
                    id=expanded_procedure_id(current.id, unit.id),
                    code=expanded_procedure_code(current.code, unit.code),
                    agency_unit_id=unit.id,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
        if "former_agencies" in obj and not copies:
            raise DomainError("catalog_data.missing_field", path=path, field="former_agencies")
        return copies

    def _duration(self, obj: Mapping[str, Any], path: str) -> Duration:
        if "duration" not in obj or obj["duration"] is None:
            raise DomainError("catalog_data.missing_field", path=path, field="duration")
        dpath = f"{path}.duration"
        dobj = self._obj(obj["duration"], path, "duration")
        self._keys(dobj, dpath, _DURATION_KEYS)
        unit = self._enum(DurationUnit, dobj, dpath, "unit")
        if unit is DurationUnit.SAME_WORKING_DAY:
            if dobj.get("amount") not in (None, 0):
                raise DomainError("catalog_data.bad_value", path=dpath, field="amount", value=_show(dobj["amount"]))
            cutoff = dobj.get("cutoff")
            if cutoff is None:
                return Duration.same_working_day()
            if not isinstance(cutoff, str):
                raise DomainError("catalog_data.bad_value", path=dpath, field="cutoff", value=_show(cutoff))
            return Duration.same_working_day(_hhmm(cutoff, dpath, "cutoff"))
        if "cutoff" in dobj:
            raise DomainError("catalog_data.unknown_key", path=dpath, field="cutoff")
        return Duration(unit=unit, amount=self._int(dobj, dpath, "amount", minimum=1))

    def _components(self, obj: Mapping[str, Any], path: str) -> tuple[Component, ...]:
        rows = self._list(obj, path, "components")
        if not rows:
            raise DomainError("catalog_data.missing_field", path=path, field="components")
        result: list[Component] = []
        for j, row in enumerate(rows):
            cpath = f"{path}.components[{j}]"
            cobj = self._obj(row, path, f"components[{j}]")
            self._keys(cobj, cpath, _COMPONENT_KEYS)
            result.append(
                Component(
                    name=self._text(cobj, cpath, "name"),
                    originals=self._int(cobj, cpath, "originals", default=0),
                    certified_copies=self._int(cobj, cpath, "certified_copies", default=0),
                    photocopies=self._int(cobj, cpath, "photocopies", default=0),
                    required=self._bool(cobj, cpath, "required", default=True),
                    note=self._text(cobj, cpath, "note", required=False),
                )
            )
        return tuple(result)

    def _fees(self, obj: Mapping[str, Any], path: str) -> tuple[Fee, ...]:
        result: list[Fee] = []
        for j, row in enumerate(self._list(obj, path, "fees", required=False)):
            fpath = f"{path}.fees[{j}]"
            fobj = self._obj(row, path, f"fees[{j}]")
            self._keys(fobj, fpath, _FEE_KEYS)
            result.append(
                Fee(
                    name=self._text(fobj, fpath, "name"),
                    amount=self._int(fobj, fpath, "amount"),
                    kind=self._enum(FeeKind, fobj, fpath, "kind", default=FeeKind.CHARGE),
                    note=self._text(fobj, fpath, "note", required=False),
                    due=self._enum(FeeDue, fobj, fpath, "due", default=FeeDue.BEFORE_RESULT),
                )
            )
        return tuple(result)

    def _channels(self, obj: Mapping[str, Any], path: str) -> frozenset[Channel]:
        rows = self._list(obj, path, "channels", required=False)
        if "channels" not in obj:
            return frozenset({Channel.IN_PERSON})
        result: set[Channel] = set()
        for j, value in enumerate(rows):
            try:
                channel = Channel(value)
            except ValueError:
                raise DomainError(
                    "catalog_data.bad_value", path=path, field=f"channels[{j}]", value=_show(value)
                ) from None
            if channel in result:
                raise DomainError("catalog_data.duplicate", kind="channel", id=channel.value)
            result.add(channel)
        if not result:
            raise DomainError("catalog_data.missing_field", path=path, field="channels")
        return frozenset(result)

    def _staff(self, rows: list[Any], centre_ids: set[str]) -> tuple[StaffSeed, ...]:
        result: list[StaffSeed] = []
        for i, row in enumerate(rows):
            path = f"staff[{i}]"
            obj = self._obj(row, "$", f"staff[{i}]")
            self._keys(obj, path, _STAFF_KEYS)
            username = self._text(obj, path, "username")
            if not _USERNAME.match(username):
                raise DomainError(
                    "catalog_data.bad_value", path=path, field="username", value=username
                )
            centre_id = self._id(obj, path, "centre")
            if centre_id not in centre_ids:
                raise DomainError(
                    "catalog_data.unknown_reference", path=path, field="centre", ref=centre_id
                )
            password = obj.get("password")
            if password is None or password == "":
                raise DomainError("catalog_data.missing_field", path=path, field="password")
            if not isinstance(password, str):
                raise DomainError(
                    "catalog_data.bad_value", path=path, field="password", value="***"
                )
            result.append(
                StaffSeed(
                    id=self._id(obj, path),
                    username=username,
                    full_name=self._text(obj, path, "full_name"),
                    # NFC only: stripping or collapsing spaces would change the secret
                    password=_nfc(password),
                    centre_id=centre_id,
                    role=self._enum(StaffRole, obj, path, "role"),
                    phone=self._staff_phone(obj, path),
                )
            )
        self._unique("staff", (s.id for s in result))
        self._unique("username", (s.username for s in result))
        return tuple(result)

    def _staff_phone(self, obj: Mapping[str, Any], path: str) -> str:
        value = self._text(obj, path, "phone", required=False)
        try:
            return validate_phone(value)
        except DomainError:
            raise DomainError("catalog_data.bad_value", path=path, field="phone", value=value) from None

    def _calendar(
        self, obj: Mapping[str, Any]
    ) -> tuple[OfficeHours, frozenset[int], dict[int, YearCalendar]]:
        path = "calendar"
        self._keys(obj, path, _CALENDAR_KEYS)
        sessions: list[tuple[time, time]] = []
        for j, pair in enumerate(self._list(obj, path, "office_hours")):
            key = f"office_hours[{j}]"
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
            ):
                raise DomainError("catalog_data.bad_value", path=path, field=key, value=_show(pair))
            start, end = (_hhmm(x, path, key) for x in pair)
            if not start < end or (sessions and start < sessions[-1][1]):
                raise DomainError("catalog_data.bad_value", path=path, field=key, value=_show(pair))
            sessions.append((start, end))
        if not sessions:
            raise DomainError("catalog_data.missing_field", path=path, field="office_hours")
        weekend: set[int] = set()
        for j, day in enumerate(self._list(obj, path, "weekend")):
            if (
                isinstance(day, bool)
                or not isinstance(day, int)
                or not 0 <= day <= 6
                or day in weekend
            ):
                raise DomainError(
                    "catalog_data.bad_value", path=path, field=f"weekend[{j}]", value=_show(day)
                )
            weekend.add(day)
        if len(weekend) == 7:
            raise DomainError(
                "catalog_data.bad_value", path=path, field="weekend", value=_show(sorted(weekend))
            )
        yearly: dict[int, YearCalendar] = {}
        raw_years = self._obj(obj.get("years") or {}, path, "years")
        for year_text, year_obj in raw_years.items():
            ypath = f"{path}.years.{year_text}"
            if not (isinstance(year_text, str) and re.fullmatch(r"\d{4}", year_text)):
                raise DomainError(
                    "catalog_data.bad_value", path=f"{path}.years", field="year", value=_show(year_text)
                )
            year = int(year_text)
            yobj = self._obj(year_obj, f"{path}.years", year_text)
            self._keys(yobj, ypath, _YEAR_KEYS)
            source = self._text(yobj, ypath, "source")
            days: dict[date, CalendarDay] = {}
            for j, row in enumerate(self._list(yobj, ypath, "days")):
                item = f"days[{j}]"
                dpath = f"{ypath}.{item}"
                dobj = self._obj(row, ypath, item)
                self._keys(dobj, dpath, _DAY_KEYS)
                day = self._date(dobj.get("date"), dpath, "date")
                if day.year != year:
                    raise DomainError("catalog_data.bad_value", path=dpath, field="date", value=day.isoformat())
                if day in days:
                    raise DomainError("catalog_data.duplicate", kind=f"calendar day {year}", id=day.isoformat())
                kind = dobj.get("kind")
                if kind not in ("off", "working"):
                    raise DomainError("catalog_data.bad_value", path=dpath, field="kind", value=_show(kind))
                days[day] = CalendarDay(
                    day=day,
                    working=kind == "working",
                    name=self._text(dobj, dpath, "name"),
                    issuer=self._enum(DayIssuer, dobj, dpath, "issuer"),
                    source=self._text(dobj, dpath, "source"),
                )
            yearly[year] = YearCalendar(year, source, tuple(sorted(days.values(), key=lambda d: d.day)))
        return OfficeHours(tuple(sessions)), frozenset(weekend), dict(sorted(yearly.items()))

    def _dossier_code(self, root: Mapping[str, Any]) -> str:
        if "dossier_code" not in root:
            raise DomainError("catalog_data.missing_field", path="$", field="dossier_code")
        obj = self._obj(root["dossier_code"], "$", "dossier_code")
        self._keys(obj, "dossier_code", {"pattern"})
        pattern = self._text(obj, "dossier_code", "pattern")
        try:
            sample = pattern.format(agency="000.00.00.H00", day=date(2000, 1, 2), seq=1)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            raise DomainError(
                "catalog_data.bad_value", path="dossier_code", field="pattern", value=pattern
            ) from None
        if "{seq" not in pattern or sample == pattern.format(
            agency="000.00.00.H00", day=date(2000, 1, 2), seq=2
        ):
            raise DomainError(
                "catalog_data.bad_value", path="dossier_code", field="pattern", value=pattern
            )
        return pattern


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _hhmm(value: str, path: str, key: str) -> time:
    text = value.strip()
    if _HHMM.match(text):
        try:
            return time.fromisoformat(text)
        except ValueError:
            pass
    raise DomainError("catalog_data.bad_value", path=path, field=key, value=value)


def _day_after(valid_to: date | None) -> date:
    """The day after a former agency's (or an earlier copy's) last day; those always have one."""
    if valid_to is None:
        raise ValueError("a former agency without valid_to")  # read as missing_field before this
    return valid_to + timedelta(days=1)


def _show(value: Any) -> str:
    """A short printable form of a bad value for the error message."""
    text = (
        json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    )
    return text if len(text) <= 80 else text[:77] + "…"
