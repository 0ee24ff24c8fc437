"""What the sync client (counter_app/sync) needs from the local store, and what it reports.

The sync worker talks HTTP to the provincial server (docs/SYNC.md); everything it reads or writes on
this PC goes through ``SyncStore`` (storage/sync_store.py over the SQLite store): the outbox ops
waiting, marking them pushed, applying a pulled page together with its cursor, and the sync state
the status bar and ``counter sync status`` show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

# SyncState.last_error: message codes (services/messages.py)
SYNC_OFFLINE = "sync.offline"  # the server cannot be reached (detail: the network error)
SYNC_SERVER_ERROR = "sync.server_error"  # the server answered with a fault (detail: status and words)
SYNC_GAP_MISSING = "sync.gap_missing"  # the server expects an op this PC no longer has
SYNC_NOT_ENROLLED = "sync.not_enrolled"


@dataclass(frozen=True)
class SyncLink:
    """This PC's identity on the server. ``token`` is secret: kept out of repr, never logged."""

    server_url: str
    device_id: str
    centre_id: str
    slot: int
    token: str = field(repr=False)


@dataclass(frozen=True)
class SyncState:
    """What the sync did last, for the status bar and ``counter sync status``."""

    enrolled: bool
    server_url: str = ""
    centre_id: str = ""
    device_id: str = ""
    waiting: int = 0  # outbox ops not yet on the server
    oldest_waiting_at: datetime | None = None
    last_push_at: datetime | None = None
    last_pull_at: datetime | None = None
    last_contact_at: datetime | None = None
    offline_since: datetime | None = None
    cursor: str | None = None
    last_error: str = ""  # a message code; "" when the last round went through
    last_error_detail: str = ""
    last_error_at: datetime | None = None
    rejected: int = 0  # ops the server kept for review instead of applying
    last_reject: str = ""

    @property
    def online(self) -> bool:
        return self.enrolled and self.last_contact_at is not None and not self.last_error


class SyncStore(Protocol):
    def device(self) -> tuple[str, str]:
        """This PC's device id (its outbox ops carry it) and name."""
        ...

    def link(self) -> SyncLink | None: ...

    def enrol(self, link: SyncLink, at: datetime) -> None:
        """Keep the identity the server gave (replaces an earlier one; the cursor starts again)."""
        ...

    def pending(self, limit: int) -> list[dict[str, Any]]:
        """Outbox ops not yet pushed, in device_seq order, as the server takes them."""
        ...

    def has_seq(self, seq: int) -> bool: ...

    def send_again_from(self, seq: int) -> int:
        """A gap answer: the ops from ``seq`` on are pending again; how many."""
        ...

    def mark_pushed(self, op_ids: Sequence[str], at: datetime, *, rejected: Sequence[str] = ()) -> None:
        """The server holds these ops (applied, duplicate or rejected-for-review), in one transaction."""
        ...

    def apply_page(self, changes: Sequence[dict[str, Any]], cursor: str | None, at: datetime) -> int:
        """Upsert a pulled page's rows and keep its cursor, in one transaction; how many rows."""
        ...

    def reset_cursor(self) -> None: ...

    def contact(self, at: datetime) -> None:
        """A round went through: online, no error."""
        ...

    def failed(self, code: str, detail: str, at: datetime) -> None:
        """A round failed: the error in a code (worded on screen) and its particulars; offline since."""
        ...

    def state(self) -> SyncState: ...

    def on_local_write(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every commit of this store's other writers (not the sync's own)."""
        ...
