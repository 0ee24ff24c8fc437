"""The virtual printer: documents become files in the data dir (the demo and fallback printer)."""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime
from pathlib import Path

from counter_app.services.ports import PrintJob

_log = logging.getLogger(__name__)


def _safe(title: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", title).strip("_")[:80] or "document"


class VirtualPrinter:
    """Writes each job as a PDF under ``folder/YYYY-MM-DD/``; never overwrites an earlier job."""

    name = "virtual"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        return self._write(pdf, title=title, at=at, suffix=".pdf")

    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        """A receipt-printer job (ticket, thermal receipt) as the PNG the paper would show."""
        return self._write(png, title=title, at=at, suffix=".png")

    def _write(self, data: bytes, *, title: str, at: datetime, suffix: str) -> PrintJob:
        day = self.folder / f"{at:%Y-%m-%d}"
        try:
            day.mkdir(parents=True, exist_ok=True)
            with self._lock:
                target = day / f"{_safe(title)}-{at:%H%M%S}{suffix}"
                n = 1
                while target.exists():
                    n += 1
                    target = day / f"{_safe(title)}-{at:%H%M%S}-{n}{suffix}"
                partial = target.with_suffix(".partial")
                partial.write_bytes(data)
                partial.replace(target)
        except OSError as exc:
            _log.error("virtual printer cannot write %s: %s", day, exc)
            return PrintJob(self.name, ok=False, error=str(exc))
        _log.info("printed %s to %s", title, target)
        return PrintJob(self.name, ok=True, path=target)
