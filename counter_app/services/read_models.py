"""Plain read models the services hand to the screens and to printing (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from counter_app.domain.catalog import Channel, Duration, FeeDue, FeeKind, ProcedureLevel


@dataclass(frozen=True, slots=True)
class ProcedureSummary:
    """One line of the procedure guide's search result."""

    code: str
    name: str
    agency_name: str
    field_name: str
    level: ProcedureLevel
    duration: Duration
    post_dossier: bool
    post_result: bool
    sample: bool = False  # demo data: the code is illustrative ("(mẫu)" beside it)


@dataclass(frozen=True, slots=True)
class ComponentLine:
    name: str
    originals: int
    certified_copies: int
    photocopies: int
    required: bool
    note: str


@dataclass(frozen=True, slots=True)
class FeeLine:
    name: str
    amount: int  # đồng
    kind: FeeKind
    note: str
    due: FeeDue = FeeDue.BEFORE_RESULT


@dataclass(frozen=True, slots=True)
class ProcedureGuide:
    """Everything the guide screen and the guidance sheet show about one procedure."""

    code: str
    name: str
    agency_name: str
    agency_path: tuple[str, ...]  # root first, e.g. ("UBND tỉnh Hà Tĩnh", "Sở Nội vụ")
    field_name: str
    level: ProcedureLevel
    duration: Duration
    components: tuple[ComponentLine, ...]
    fees: tuple[FeeLine, ...]
    total_fee: int
    channels: frozenset[Channel]
    post_dossier: bool
    post_result: bool
    requires_in_person: bool
    result_description: str
    legal_basis: str
    catalog_version: int
    centre_name: str
    received_at: datetime  # "if the dossier were received now"
    appointment: datetime  # the appointment the citizen would get
    sample: bool = False  # demo data: the code is illustrative ("(mẫu)" beside it)


@dataclass(frozen=True, slots=True)
class StaffSession:
    staff_id: str
    username: str
    full_name: str
    role: str  # clerk | supervisor | admin
    centre_id: str
    centre_name: str


@dataclass(frozen=True, slots=True)
class CounterView:
    id: str
    centre_id: str
    number: int
    name: str


@dataclass(frozen=True, slots=True)
class ReportUnit:
    """A centre a report may be asked for (the Reports screen's centre filter), with its agencies (id, name)."""

    centre_id: str
    centre_name: str
    agencies: tuple[tuple[str, str], ...]
