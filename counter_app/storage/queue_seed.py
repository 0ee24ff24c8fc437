"""Demo queue lines of each centre and the counters that serve them, derived from the counters' names."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.domain.queue import Line
from counter_app.domain.units import Counter, UnitKind
from counter_app.services.catalog_data import ProvinceData
from counter_app.storage.queue_models import QueueLineRow
from counter_app.storage.queue_repo import SqlQueueRepository

COLLECT_CODE = "K"  # "Nhận kết quả" everywhere, so citizens learn one letter
COLLECT_TOPIC = "trả kết quả"
NOT_A_LINE = {"bcci"}  # postal delivery is arranged at the counter, not queued for
# Letters of the Vietnamese alphabet that are not easily confused with digits (no I, O) and not K.
LETTERS = "ABCDEGHLMNPQRSTUVXY"
FIRST_NUMBER, LAST_NUMBER = 1, 499
COLLECT_WEIGHT = 2  # a counter named "trả kết quả" calls two collectors per intake
FALLBACK_WEIGHT = 0  # other counters take a line's citizens only when their own lines are empty


def _topics(counter: Counter) -> list[str]:
    """ "Quầy 8 — Điện lực, trả kết quả, BCCI" → ["Điện lực", "trả kết quả", "BCCI"]."""
    _, sep, rest = counter.name.partition("—")
    return [t.strip() for t in rest.split(",") if t.strip()] if sep else []


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _letters(taken: set[str]) -> Iterator[str]:
    for letter in LETTERS:
        if letter not in taken:
            yield letter


def centre_lines(
    centre_id: str, counters: Sequence[Counter], agency_names: dict[str, str]
) -> list[tuple[Line, dict[str, int]]]:
    """The lines of one centre with their counters and weights.

    Each counter's name lists what it receives ("Quầy 1 — Sở Nội vụ, Sở Ngoại vụ"): those topics make
    one intake line served by that counter. "trả kết quả" makes the counter the result desk of line K.
    Agencies the counters' names don't mention (e.g. the electricity company at a commune) get their
    own line at the general intake counter ("Tiếp nhận chung"), or at every intake counter.
    Every counter also serves every other line with weight 0: when its own lines are empty, the
    Vietnam Post clerk takes the next citizen of another line rather than sit idle.
    """
    letters = _letters({COLLECT_CODE})
    made: list[tuple[Line, dict[str, int]]] = []
    collectors: list[Counter] = []
    intake: list[Counter] = []
    mentioned = " ".join(c.name for c in counters).lower()
    for counter in sorted(counters, key=lambda c: c.number):
        topics = _topics(counter)
        if any(t.lower() == COLLECT_TOPIC for t in topics):
            collectors.append(counter)
        wanted = [t for t in topics if t.lower() not in NOT_A_LINE and t.lower() != COLLECT_TOPIC]
        if not wanted:
            continue
        intake.append(counter)
        group = _capitalized(", ".join(wanted))
        code = next(letters)
        made.append((
            Line(f"{centre_id}-line-{code.lower()}", centre_id, code, f"Nộp hồ sơ — {group}", group, "submit",
                 FIRST_NUMBER, LAST_NUMBER, position=len(made) + 1),
            {counter.id: 1},
        ))
    general = [c for c in intake if any("tiếp nhận chung" in t.lower() for t in _topics(c))] or intake
    for name in agency_names.values():
        if " ".join(name.split()[:2]).lower() in mentioned:
            continue
        code = next(letters)
        made.append((
            Line(f"{centre_id}-line-{code.lower()}", centre_id, code, f"Nộp hồ sơ — {name}", name, "submit",
                 FIRST_NUMBER, LAST_NUMBER, position=len(made) + 1),
            {c.id: 1 for c in general},
        ))
    if collectors:
        collect_weights = {c.id: FALLBACK_WEIGHT for c in counters} | {c.id: COLLECT_WEIGHT for c in collectors}
    else:
        collect_weights = {c.id: 1 for c in counters}
    made.append((
        Line(f"{centre_id}-line-{COLLECT_CODE.lower()}", centre_id, COLLECT_CODE, "Nhận kết quả", "Nhận kết quả",
             "collect", FIRST_NUMBER, LAST_NUMBER, position=len(made) + 1),
        collect_weights,
    ))
    # every counter helps with every other line when its own are empty (weight 0: fallback only)
    return [(line, {c.id: FALLBACK_WEIGHT for c in counters} | weights) for line, weights in made]


def seed_queue(session: Session, data: ProvinceData) -> int:
    """Lines and counter assignments for every centre that has none yet; returns the lines made.

    Safe to call on a store seeded before the queue existed: centres with lines are left alone.
    """
    session.flush()
    repo = SqlQueueRepository(session)
    units = {u.id: u for u in data.units}
    made = 0
    for centre in data.centres:
        has_lines = session.scalar(
            select(func.count()).select_from(QueueLineRow).where(QueueLineRow.centre_id == centre.id)
        )
        counters = [k for k in data.counters if k.centre_id == centre.id and k.active]
        if has_lines or not counters:
            continue
        extra = {
            unit_id: units[unit_id].display_short_name
            for unit_id in data.centre_agencies.get(centre.id, ())
            if unit_id in units and units[unit_id].kind is UnitKind.ENTERPRISE
        }
        for line, weights in centre_lines(centre.id, counters, extra):
            repo.add_line(line)
            for counter_id, weight in weights.items():
                repo.assign(counter_id, line.id, weight)
            made += 1
    session.flush()
    return made
