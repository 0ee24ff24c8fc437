"""Queue ticket for an 80 mm printer: render time and ESC/POS bytes, beside a floor in the same run."""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw  # noqa: E402

from counter_app.domain.calendar import VIETNAM_TIME  # noqa: E402
from counter_app.printing.ticket import render_ticket, ticket_escpos_job  # noqa: E402
from counter_app.services.documents import QueueTicketDocument  # noqa: E402
from counter_app.services.i18n import set_language  # noqa: E402

RUNS = 200


def p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def main() -> int:
    set_language("vi")
    times, floor = [], []
    for i in range(RUNS):
        ticket = QueueTicketDocument(
            centre_name="Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh", number=f"A{i % 500:03d}",
            line_name="Nộp hồ sơ — Sở Nội vụ, Sở Ngoại vụ", issued_at=datetime(2026, 11, 30, 9, i % 60, tzinfo=VIETNAM_TIME),
            waiting_ahead=i % 40, estimated_wait_minutes=(i % 40) * 3, qr_payload=f"STT:A{i % 500:03d}:2026-11-30",
        )
        started = time.perf_counter()
        render_ticket(ticket)
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        image = Image.new("1", (576, 400), 1)
        ImageDraw.Draw(image).text((10, 10), ticket.number, fill=0)
        floor.append((time.perf_counter() - started) * 1000)
    size = len(ticket_escpos_job(ticket))
    print(f"floor: PIL 1-bit 576x400 image with one line of text: p50 {statistics.median(floor):.2f} ms [floor]")
    print(f"ticket_render_ms: p50 {statistics.median(times):.2f} p99 {p99(times):.2f} (target <= 20) "
          f"{'PASS' if p99(times) <= 20 else 'FAIL'}")
    print(f"ticket_escpos_bytes_80mm: {size} (target <= 10000) {'PASS' if size <= 10_000 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
