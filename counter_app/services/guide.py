"""Procedure guide: accent-free search over the catalog and what one procedure needs, with its appointment."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.catalog import Field, Procedure
from counter_app.domain.catalog_search import CatalogIndex, SearchEntry
from counter_app.domain.errors import DomainError
from counter_app.domain.units import UnitKind, UnitTree
from counter_app.services.read_models import (
    ComponentLine,
    FeeLine,
    ProcedureGuide,
    ProcedureSummary,
)


class ProcedureGuideService:
    """The read-only catalog held in memory: search in milliseconds, no database on the hot path."""

    def __init__(
        self,
        procedures: Iterable[Procedure],
        fields: Iterable[Field],
        units: UnitTree,
        calendar_for: Callable[[str | None], WorkingCalendar],
    ) -> None:
        self._procedures = {p.code: p for p in procedures}
        self._fields = {f.id: f for f in fields}
        self._units = units
        self._calendar_for = calendar_for
        self._calendars: dict[str | None, WorkingCalendar] = {}
        self._lock = threading.Lock()
        self._summaries: dict[str, ProcedureSummary] = {}
        entries = []
        for p in self._procedures.values():
            agency = self._agency_name(p.agency_unit_id)
            field = self._fields[p.field_id].name if p.field_id in self._fields else ""
            self._summaries[p.code] = ProcedureSummary(
                code=p.code,
                name=p.name,
                agency_name=agency,
                field_name=field,
                level=p.level,
                duration=p.duration,
                post_dossier=p.post_dossier,
                post_result=p.post_result,
                sample=p.sample,
            )
            entries.append(SearchEntry(p.code, p.name, agency, field))
        self._index = CatalogIndex(entries)

    def __len__(self) -> int:
        return len(self._procedures)

    def _agency_name(self, unit_id: str) -> str:
        if unit_id not in self._units:
            return ""
        unit = self._units.get(unit_id)
        return unit.name

    def search(
        self, text: str, limit: int = 50, *, agencies: frozenset[str] = frozenset(), on: date | None = None
    ) -> list[ProcedureSummary]:
        """Procedures with every word of ``text``; failing that, those with most of the words.

        Procedures of ``agencies`` (those the clerk's centre receives for) come first, in the
        index's order; the others follow, so nothing of another agency is hidden. With ``on``,
        only the procedures valid that day (a procedure moved to a successor agency in 2025 shows
        under the successor, its dated copy under the old agency stays for old dossiers only).
        """
        wide = limit * 4 if agencies or on else limit
        codes = self._index.search(text, limit=wide) or self._index.closest(text, limit=wide)
        if on is not None:
            codes = [c for c in codes if self._procedures[c].is_valid_on(on)]
        if agencies:
            own = [c for c in codes if self._procedures[c].agency_unit_id in agencies]
            codes = own + [c for c in codes if self._procedures[c].agency_unit_id not in agencies]
        return [self._summaries[code] for code in codes[:limit]]

    def calendar(self, centre_id: str | None) -> WorkingCalendar:
        with self._lock:
            if centre_id not in self._calendars:
                self._calendars[centre_id] = self._calendar_for(centre_id)
            return self._calendars[centre_id]

    def procedure(self, code: str) -> Procedure:
        procedure = self._procedures.get(code.strip())
        if procedure is None:
            raise DomainError("catalog.unknown_procedure", code=code)
        return procedure

    def procedure_by_code(self, code: str, *, agencies: frozenset[str] = frozenset()) -> Procedure:
        """The procedure with this full code, or named by its national code (``1.001193``).

        A national code names the copy received by one of ``agencies`` (the clerk's centre), or
        the store's only copy. Copies that differ only by the commune (same name and time limit)
        give the same due date, so the first stands for all; otherwise it is ambiguous.
        """
        code = code.strip()
        if code in self._procedures:
            return self._procedures[code]
        matches = sorted(
            (p for c, p in self._procedures.items() if c.startswith(code + ".")), key=lambda p: p.code
        )
        own = [p for p in matches if p.agency_unit_id in agencies]
        if len(own) == 1:
            return own[0]
        candidates = own or matches
        if not candidates:
            raise DomainError("catalog.unknown_procedure", code=code)
        if len({(p.name, p.duration) for p in candidates}) > 1:
            raise DomainError("catalog.ambiguous_procedure", code=code, count=len(candidates))
        return candidates[0]

    def guide(self, code: str, *, received_at: datetime, centre_id: str | None, centre_name: str) -> ProcedureGuide:
        p = self.procedure(code)
        appointment = self.calendar(centre_id).appointment(received_at, p.duration)
        path = tuple(
            u.name for u in self._units.path(p.agency_unit_id) if u.kind != UnitKind.DISTRICT
        ) if p.agency_unit_id in self._units else ()
        return ProcedureGuide(
            code=p.code,
            name=p.name,
            agency_name=self._agency_name(p.agency_unit_id),
            agency_path=path,
            field_name=self._fields[p.field_id].name if p.field_id in self._fields else "",
            level=p.level,
            duration=p.duration,
            components=tuple(
                ComponentLine(c.name, c.originals, c.certified_copies, c.photocopies, c.required, c.note)
                for c in p.components
            ),
            fees=tuple(FeeLine(f.name, f.amount, f.kind, f.note, f.due) for f in p.fees),
            total_fee=p.total_fee,
            channels=p.channels,
            post_dossier=p.post_dossier,
            post_result=p.post_result,
            requires_in_person=p.requires_in_person,
            result_description=p.result_description,
            legal_basis=p.legal_basis,
            catalog_version=p.catalog_version,
            centre_name=centre_name,
            received_at=received_at,
            appointment=appointment,
            sample=p.sample,
        )

