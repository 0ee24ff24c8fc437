"""A "stand" for ui tests: the services a screen is driven by, with a login and a clock that work."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from counter_app.services.resources import resource_path


@dataclass
class Stand:
    """What a ui test works with: services, a staff login that works, and the clock to move."""

    kind: str  # "fake" | "real"
    services: Any  # CounterAppServices (+ demo_session)
    username: str
    password: str
    advance_clock: Callable[[timedelta], None]


def demo_password(username: str) -> str:
    """The clear-text demo password of ``username`` in the bundled demo data."""
    data = json.loads(resource_path("demo", "province.json").read_text(encoding="utf-8"))
    return next(s["password"] for s in data["staff"] if s["username"] == username)
