"""Mẫu 01 PDF and thermal receipt: render times and ESC/POS bytes against their targets, beside a reportlab floor."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A5  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from counter_app.printing.escpos_job import (  # noqa: E402
    escpos_raster_job,
    escpos_receipt_job,
    native_codes,
)
from counter_app.printing.fonts import RENDER_LOCK, register_fonts  # noqa: E402
from counter_app.printing.forms import render_document  # noqa: E402
from counter_app.printing.raster import (  # noqa: E402
    RasterBand,
    render_thermal,
    thermal_layout,
)
from counter_app.services.documents import DossierDocument  # noqa: E402
from counter_app.services.i18n import set_language  # noqa: E402
from tests.integration.test_forms_pdf import make_book, make_doc, make_payment  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "200"))
PDF_TARGET_MS = 50.0
THERMAL_TARGET_MS = 30.0
JOB_TARGET_BYTES = 15_000  # the 15 KB, read as 15,000 bytes
NATIVE_PROFILE = "TM-T20II"  # prints Code128 (GS k) and QR (GS ( k) itself


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(fn: Callable[[int], object], runs: int = RUNS) -> tuple[float, float, float]:
    """(first call, p50, p99) in ms; ``fn`` gets the run number (for a fresh dossier code)."""
    start = time.perf_counter()
    fn(-1)
    first = (time.perf_counter() - start) * 1000
    samples: list[float] = []
    for run in range(runs):
        start = time.perf_counter()
        fn(run)
        samples.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(samples), _percentile(samples, 0.99)


def _line(label: str, figures: tuple[float, float, float], target: float | None = None) -> str:
    first, p50, p99 = figures
    text = f"{label}: p50 {p50:.1f} ms, p99 {p99:.1f} ms (first {first:.1f} ms)"
    if target is not None:
        verdict = "meets" if p99 <= target else "MISSES"
        text += f"; target ≤ {target:.0f} ms → {verdict}"
    return text


def _verdict(size: int) -> str:
    verdict = "PASS" if size <= JOB_TARGET_BYTES else "FAIL"
    return f"target ≤ {JOB_TARGET_BYTES:,} bytes → {verdict}"


def _floor(_run: int) -> bytes:
    """The least a PDF can cost here: one line in the bundled font on a blank A5 page."""
    fonts = register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A5, invariant=True)
    canvas.setFont(fonts.regular, 10)
    canvas.drawString(40, 500, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    canvas.showPage()
    with RENDER_LOCK:
        canvas.save()
    return buffer.getvalue()


def _receipt(run: int) -> DossierDocument:
    """Each run a new dossier code, so no barcode or QR cache hides the real cost."""
    return replace(make_doc(), dossier_code=f"000.00.06.H56-261130-{run % 10000:04d}")


def main() -> int:
    language = set_language("vi")
    print(f"forms and receipts, language {language}, {RUNS} runs each, {os.cpu_count()} CPUs")
    floor = _time(_floor)
    print(_line("floor: reportlab, one line of DejaVu text on a blank A5 PDF", floor))

    pdf = _time(lambda run: render_document(_receipt(run)))
    print(_line("Mẫu 01 receipt PDF (A5, Code128 + QR, 3 components)", pdf, PDF_TARGET_MS))
    print(
        f"    = {pdf[1] / floor[1]:.1f}× the floor at p50; {len(render_document(_receipt(1))) / 1024:.0f} KiB"
    )

    native = native_codes(NATIVE_PROFILE)
    for width_mm in (80, 58):
        thermal = _time(lambda run, w=width_mm: render_thermal(_receipt(run), width_mm=w))
        print(
            _line(
                f"thermal short receipt {width_mm} mm (render to 1-bit image)",
                thermal,
                THERMAL_TARGET_MS,
            )
        )
        image = render_thermal(_receipt(1), width_mm=width_mm)
        job = escpos_raster_job(image)
        job_time = _time(lambda _run, im=image: escpos_raster_job(im), runs=max(20, RUNS // 4))
        full = image.width // 8 * image.height + 16
        print(
            f"    all-raster ESC/POS job {len(job):,} bytes ({len(job) / 1024:.1f} KiB) for "
            f"{image.width}×{image.height} dots; {_verdict(len(job))}; "
            f"one GS v 0 of the whole image would be {full:,} bytes; "
            f"job build p50 {job_time[1]:.1f} ms"
        )

        layout_time = _time(
            lambda run, w=width_mm: thermal_layout(_receipt(run), width_mm=w, native=native)
        )
        print(
            _line(
                f"    native codes ({NATIVE_PROFILE}): layout {width_mm} mm",
                layout_time,
                THERMAL_TARGET_MS,
            )
        )
        layout = thermal_layout(_receipt(1), width_mm=width_mm, native=native)
        native_job = escpos_receipt_job(layout, profile=NATIVE_PROFILE)
        native_time = _time(
            lambda _run, lay=layout: escpos_receipt_job(lay, profile=NATIVE_PROFILE),
            runs=max(20, RUNS // 4),
        )
        kinds = ", ".join(
            type(part).__name__ for part in layout.parts if not isinstance(part, RasterBand)
        )
        total = (layout_time[1] + native_time[1], layout_time[2] + native_time[2])
        print(
            f"    native-codes ESC/POS job {len(native_job):,} bytes "
            f"({len(native_job) / 1024:.1f} KiB, {kinds or 'no native parts'}) for "
            f"{layout.width}×{layout.height} dots; {_verdict(len(native_job))}; "
            f"job build p50 {native_time[1]:.1f} ms; layout + job p50 {total[0]:.1f} ms, "
            f"p99 ≤ {total[1]:.1f} ms → {'PASS' if total[1] <= THERMAL_TARGET_MS else 'FAIL'}"
        )

    payment = render_thermal(make_payment())
    print(f"thermal payment receipt 80 mm: {len(escpos_raster_job(payment)):,} bytes (info)")
    book_runs = max(3, RUNS // 40)
    book = _time(lambda _run: render_document(make_book(300)), runs=book_runs)
    print(_line(f"Mẫu 07 tracking book, 300 rows ({book_runs} runs, info)", book))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
