"""Dossier codes (AGENCY-YYMMDD-NNNN) and the leased sequence blocks that keep offline PCs apart."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from counter_app.domain.errors import DomainError

DEFAULT_PATTERN = "{agency}-{day:%y%m%d}-{seq:04d}"
_FIELDS = ("agency", "day", "seq")
_DATE_DIRECTIVES = {"y": r"\d{2}", "Y": r"\d{4}", "m": r"\d{2}", "d": r"\d{2}", "%": "%"}


@dataclass(frozen=True, slots=True)
class _CompiledPattern:
    regex: re.Pattern[str]
    day_format: str


def _day_regex(day_format: str) -> str:
    parts: list[str] = []
    i = 0
    while i < len(day_format):
        ch = day_format[i]
        if ch == "%":
            directive = day_format[i + 1 : i + 2]
            if directive not in _DATE_DIRECTIVES:
                raise DomainError("dossier_code.bad_pattern", pattern=day_format)
            parts.append(re.escape("%") if directive == "%" else _DATE_DIRECTIVES[directive])
            i += 2
        else:
            parts.append(re.escape(ch))
            i += 1
    return "".join(parts)


@lru_cache(maxsize=32)
def _compile(pattern: str) -> _CompiledPattern:
    regex: list[str] = []
    seen: list[str] = []
    day_format = ""
    try:
        pieces = list(string.Formatter().parse(pattern))
    except ValueError:
        raise DomainError("dossier_code.bad_pattern", pattern=pattern) from None
    for literal, name, spec, conversion in pieces:
        regex.append(re.escape(literal))
        if name is None:
            continue
        if name not in _FIELDS or name in seen or conversion:
            raise DomainError("dossier_code.bad_pattern", pattern=pattern)
        seen.append(name)
        if name == "agency":
            regex.append(r"(?P<agency>\S+?)")
        elif name == "day":
            day_format = spec or "%y%m%d"
            regex.append(f"(?P<day>{_day_regex(day_format)})")
        else:
            regex.append(r"(?P<seq>\d+)")
    if sorted(seen) != sorted(_FIELDS):
        raise DomainError("dossier_code.bad_pattern", pattern=pattern)
    return _CompiledPattern(re.compile("".join(regex)), day_format)


@dataclass(frozen=True)
class DossierCodeFormat:
    """How dossier codes are written; the default is the national ``AGENCY-YYMMDD-NNNN``."""

    pattern: str = DEFAULT_PATTERN
    max_seq: int = 9999

    def __post_init__(self) -> None:
        _compile(self.pattern)
        if self.max_seq < 1:
            raise DomainError("dossier_code.bad_pattern", pattern=self.pattern)

    def format(self, agency_code: str, day: date, seq: int) -> str:
        """``format("000.00.06.H56", date(2023, 10, 27), 361)`` -> ``000.00.06.H56-231027-0361``."""
        if not agency_code or any(ch.isspace() for ch in agency_code):
            raise DomainError("dossier_code.bad_agency", agency_code=agency_code)
        if not 1 <= seq <= self.max_seq:
            raise DomainError("dossier_code.seq_out_of_range", seq=seq, max_seq=self.max_seq)
        return self.pattern.format(agency=agency_code, day=day, seq=seq)

    def parse(self, code: str) -> tuple[str, date, int]:
        """The agency code, day and sequence number written in ``code``."""
        text = code.strip()
        compiled = _compile(self.pattern)
        match = compiled.regex.fullmatch(text)
        if match is None:
            raise DomainError("dossier_code.malformed", value=code)
        try:
            day = datetime.strptime(match["day"], compiled.day_format).date()
        except ValueError:
            raise DomainError("dossier_code.malformed", value=code) from None
        agency, seq = match["agency"], int(match["seq"])
        if not 1 <= seq <= self.max_seq or self.format(agency, day, seq) != text:
            raise DomainError("dossier_code.malformed", value=code)
        return agency, day, seq


@dataclass(frozen=True, slots=True)
class SequenceLease:
    """Numbers ``first..last`` of one agency, for one device, on every day of a date range.

    The sequence restarts every day, so a lease is reused day after day within its range.
    """

    agency_code: str
    first: int
    last: int
    valid_from: date
    valid_to: date
    device_id: str

    def __post_init__(self) -> None:
        if not 1 <= self.first <= self.last or self.valid_from > self.valid_to:
            raise DomainError(
                "dossier_code.lease_invalid",
                agency_code=self.agency_code,
                device_id=self.device_id,
                first=self.first,
                last=self.last,
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )

    def covers(self, agency_code: str, day: date) -> bool:
        return agency_code == self.agency_code and self.valid_from <= day <= self.valid_to

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def next_sequence(
    leases: Iterable[SequenceLease], agency_code: str, day: date, last_used: int | None
) -> int:
    """The smallest number above ``last_used`` (this device's last number that day) in the
    leases covering ``agency_code`` on ``day``.

    ``leases`` are this device's leases. Raises ``dossier_code.no_lease`` when no lease covers
    the day and ``dossier_code.lease_exhausted`` when every covering lease is used up.
    """
    floor = 1 if last_used is None else last_used + 1
    covering = False
    best: int | None = None
    for lease in leases:
        if not lease.covers(agency_code, day):
            continue
        covering = True
        if lease.last >= floor:
            candidate = max(lease.first, floor)
            if best is None or candidate < best:
                best = candidate
    if not covering:
        raise DomainError("dossier_code.no_lease", agency_code=agency_code, day=day)
    if best is None:
        raise DomainError("dossier_code.lease_exhausted", agency_code=agency_code, day=day)
    return best


def leases_overlap(a: SequenceLease, b: SequenceLease) -> bool:
    """True when both leases may hand out the same number of the same agency on the same day."""
    return (
        a.agency_code == b.agency_code
        and a.first <= b.last
        and b.first <= a.last
        and a.valid_from <= b.valid_to
        and b.valid_from <= a.valid_to
    )


def check_leases(leases: Iterable[SequenceLease]) -> None:
    """Raise ``dossier_code.lease_overlap`` if leases of two different devices overlap."""
    by_agency: dict[str, list[SequenceLease]] = {}
    for lease in leases:
        by_agency.setdefault(lease.agency_code, []).append(lease)
    for group in by_agency.values():
        group.sort(key=lambda lease: (lease.first, lease.last))
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if b.first > a.last:
                    break  # sorted by first: no later lease reaches back into a
                if a.device_id != b.device_id and leases_overlap(a, b):
                    raise DomainError(
                        "dossier_code.lease_overlap",
                        agency_code=a.agency_code,
                        device_id=a.device_id,
                        other_device_id=b.device_id,
                    )
