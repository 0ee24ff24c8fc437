"""Queue rules: lines and ticket numbers, ticket life cycle, calling policy (priority cap, weighted fairness), KPIs."""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from counter_app.domain.errors import DomainError

log = logging.getLogger(__name__)

MAX_PREFIX = 3
MAX_NUMBER = 9999
_PREFIX = re.compile(r"[A-Z]{1,3}")
_TICKET = re.compile(r"([A-Z]{1,3})\s*0*([0-9]{1,4})")


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"  # called to a counter, citizen walking there
    SERVING = "serving"  # service started
    DONE = "done"  # ended with an outcome


class TicketOutcome(StrEnum):
    SERVED = "served"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"  # moved to another line/counter (a new ticket row continues it)
    REMOVED = "removed"
    REMOVED_AT_RESET = "removed_at_reset"
    WALK_IN = "walk_in"  # served without a ticket


class Priority(StrEnum):
    NONE = "none"
    ELDERLY = "elderly"
    DISABILITY = "disability"
    PREGNANT = "pregnant"
    SMALL_CHILD = "small_child"
    VETERAN = "veteran"


class EventType(StrEnum):
    """What the append-only queue history records (ticket steps and counter pause/resume)."""

    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    NO_SHOW = "no_show"
    REACTIVATED = "reactivated"
    STARTED = "started"
    FINISHED = "finished"
    TRANSFERRED = "transferred"
    WALK_IN = "walk_in"
    REMOVED_AT_RESET = "removed_at_reset"
    CARRIED = "carried"
    PAUSED = "paused"
    RESUMED = "resumed"


class RatingLevel(IntEnum if False else int.__class__ and object):  # pragma: no cover - replaced below
    pass
