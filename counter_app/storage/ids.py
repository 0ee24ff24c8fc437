"""Ids made on this PC: UUIDv7 (time-ordered, unique without the network)."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    return str(uuid6.uuid7())
