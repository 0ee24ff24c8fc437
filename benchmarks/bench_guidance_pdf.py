"""Time to render the A5 guidance sheet PDF (typical guide and a 30-component guide); info only, no target."""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counter_app.domain.catalog import (  # noqa: E402
    Channel,
    Duration,
    DurationUnit,
    FeeKind,
    ProcedureLevel,
)
from counter_app.printing.guidance import render_guidance_sheet  # noqa: E402
from counter_app.services.i18n import set_language  # noqa: E402
from counter_app.services.read_models import (  # noqa: E402
    ComponentLine,
    FeeLine,
    ProcedureGuide,
)

RUNS = int(os.environ.get("BENCH_RUNS", "200"))
VIETNAM = timezone(timedelta(hours=7))
PRINTED_AT = datetime(2026, 11, 30, 14, 31, tzinfo=VIETNAM)


def make_guide(components: int) -> ProcedureGuide:
    lines = tuple(
        ComponentLine(
            name=f"Giấy tờ số {i}: bản sao giấy chứng nhận quyền sử dụng đất (có chứng thực)",
            originals=1,
            certified_copies=i % 2,
            photocopies=0,
            required=i % 3 != 0,
            note="Do cơ quan có thẩm quyền cấp" if i % 2 else "",
        )
        for i in range(1, components + 1)
    )
    return ProcedureGuide(
        code="1.001193",
        name="Đăng ký khai sinh",
        agency_name="Ủy ban nhân dân phường Thành Sen",
        agency_path=("UBND tỉnh Hà Tĩnh", "Ủy ban nhân dân phường Thành Sen"),
        field_name="Hộ tịch",
        level=ProcedureLevel.COMMUNE,
        duration=Duration(DurationUnit.WORKING_DAYS, 5),
        components=lines,
        fees=(
            FeeLine("Lệ phí đăng ký khai sinh", 0, FeeKind.CHARGE, "Miễn lệ phí"),
            FeeLine("Phí cấp bản sao trích lục", 8_000, FeeKind.FEE, "Mỗi bản"),
        ),
        total_fee=8_000,
        channels=frozenset({Channel.IN_PERSON, Channel.ONLINE, Channel.POST}),
        post_dossier=True,
        post_result=True,
        requires_in_person=False,
        result_description="Giấy khai sinh (bản chính)",
        legal_basis="Luật Hộ tịch năm 2014\nNghị định số 123/2015/NĐ-CP",
        catalog_version=7,
        centre_name="Trung tâm Phục vụ hành chính công phường Thành Sen",
        received_at=datetime(2026, 11, 30, 14, 30, tzinfo=VIETNAM),
        appointment=datetime(2026, 12, 7, 14, 30, tzinfo=VIETNAM),
    )


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _bench(label: str, guide: ProcedureGuide) -> None:
    start = time.perf_counter()
    first = render_guidance_sheet(guide, printed_at=PRINTED_AT, staff_name="Nguyễn Thị Hoa")
    cold_ms = (time.perf_counter() - start) * 1000
    samples: list[float] = []
    for _ in range(RUNS):
        start = time.perf_counter()
        render_guidance_sheet(guide, printed_at=PRINTED_AT, staff_name="Nguyễn Thị Hoa")
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{label}: first {cold_ms:.1f} ms, then over {RUNS} runs "
        f"p50 {statistics.median(samples):.1f} ms, p99 {_percentile(samples, 0.99):.1f} ms, "
        f"max {max(samples):.1f} ms; {len(first) / 1024:.0f} KiB (info)"
    )


def main() -> int:
    language = set_language("vi")
    print(f"guidance sheet PDF, language {language}, reportlab A5, {RUNS} renders each")
    _bench("typical guide (3 components)", make_guide(3))
    _bench("long guide (30 components)", make_guide(30))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
