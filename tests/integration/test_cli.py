"""The `counter` command on a real store: what an administrator types and reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_demo_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", "--demo", "--data-dir", str(tmp_path / "d"))
    assert code == 0 and "Đã tạo kho dữ liệu mẫu" in out
    code, out, _ = run(capsys, "init", "--demo", "--data-dir", str(tmp_path / "d"))
    assert code == 0 and "không ghi đè" in out
    code, out, _ = run(capsys, "db", "check", "--data-dir", str(tmp_path / "d"))
    assert code == 0
    assert "Tính toàn vẹn: ok" in out and "Kết quả: TỐT" in out and "Chế độ nhật ký: wal" in out
    code, out, _ = run(capsys, "db", "upgrade", "--data-dir", str(tmp_path / "d"))
    assert code == 0 and "đã ở phiên bản hiện tại" in out


def test_catalog_search_without_accents(demo_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog", "search", "dang", "ky", "khai", "sinh", "--data-dir", str(demo_data_dir))
    assert code == 0
    first = out.splitlines()[0].split("\t")
    assert "Đăng ký khai sinh" in first[1]


def test_catalog_search_by_code(demo_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog", "search", "2.002180", "--data-dir", str(demo_data_dir))
    assert code == 0 and out.startswith("2.002180\t")


def test_calendar_due_after_closing_counts_from_next_morning(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Monday 30/11/2026 17:30 (after closing), 1 working day → Tuesday 17:00
    code, out, _ = run(
        capsys, "calendar", "due", "--working-days", "1", "--received", "2026-11-30 17:30",
        "--data-dir", str(demo_data_dir),
    )
    assert code == 0
    assert out.splitlines()[-1] == "2026-12-01 17:00"
    assert "Ngày hẹn trả: 17:00, thứ Ba, 01/12/2026" in out


def test_calendar_due_skips_the_national_day(demo_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Tue 1/9/2026 and Wed 2/9/2026 are National Day holidays: received Mon 31/8? that is a day off too
    code, out, _ = run(
        capsys, "calendar", "due", "--working-days", "1", "--received", "2026-08-28 10:00",
        "--data-dir", str(demo_data_dir),
    )
    assert code == 0
    assert out.splitlines()[-1] == "2026-09-03 10:00"


def test_calendar_due_for_a_procedure(demo_data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "calendar", "due", "--procedure", "2.002180", "--received", "2026-11-30 09:00",
        "--data-dir", str(demo_data_dir),
    )
    assert code == 0
    assert "Cấp điện mới từ lưới điện hạ áp" in out
    assert out.splitlines()[-1] == "2026-12-07 09:00"  # 5 working days


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["calendar", "due", "--working-days", "5", "--received", "2026-13-40 25:00"], "không phải ngày giờ hợp lệ"),
        (["calendar", "due", "--procedure", "9.999999", "--received", "2026-11-30 09:00"], "Không có thủ tục nào mang mã 9.999999"),
        (["calendar", "due", "--received", "2026-11-30 09:00"], "--working-days"),
        (["calendar", "due", "--working-days", "năm", "--received", "2026-11-30 09:00"], "“năm” không phải là số nguyên từ 0 đến 500"),
        (["frobnicate"], "giá trị không hợp lệ: 'frobnicate'"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    with_dir = [*args, "--data-dir", str(demo_data_dir)] if args[0] != "frobnicate" else args
    try:
        code = main(with_dir)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 2
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_store_problems_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "counter.sqlite3").write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "catalog", "search", "khai", "sinh", "--data-dir", str(tmp_path))
    assert code == 1
    assert "bị hỏng" in err and "Traceback" not in err


def test_console_script_is_installed(demo_data_dir: Path) -> None:
    exe = Path(sys.executable).with_name("counter")
    result = subprocess.run(
        [str(exe), "catalog", "search", "khai", "tu", "--data-dir", str(demo_data_dir)],
        capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Đăng ký khai tử" in result.stdout


# -- issue 8 §1–2: the working calendar and same-day procedures, as a clerk types them ------------


def _due(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    return run(capsys, "calendar", "due", *args, "--data-dir", str(data_dir))


def test_calendar_due_counts_the_make_up_saturday_of_2025(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Friday 02/05/2025 was swapped for Saturday 26/04/2025 (8726/VPCP-KGVX): the Saturday is worked
    code, out, _ = _due(capsys, demo_data_dir, "--working-days", "1", "--received", "2025-04-25 09:00")
    assert code == 0
    assert "Ngày hẹn trả: 09:00, thứ Bảy, 26/04/2025" in out


def test_calendar_due_2026_national_day_swap_is_saturday_22_august(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 9859/VPCP-KGVX: Monday 31/08/2026 off, Saturday 22/08/2026 worked; Saturday 12/09 is a day off
    code, out, _ = _due(capsys, demo_data_dir, "--working-days", "1", "--received", "2026-08-21 10:00")
    assert code == 0 and "Ngày hẹn trả: 10:00, thứ Bảy, 22/08/2026" in out
    code, out, _ = _due(capsys, demo_data_dir, "--working-days", "1", "--received", "2026-09-11 10:00")
    assert code == 0 and "Ngày hẹn trả: 10:00, thứ Hai, 14/09/2026" in out


def test_calendar_due_24_november_2026_is_a_working_day(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the holidays package lists 24/11 "Ngày Văn hóa Việt Nam"; the province's 2026 calendar does not
    code, out, _ = _due(capsys, demo_data_dir, "--working-days", "1", "--received", "2026-11-23 10:00")
    assert code == 0 and "Ngày hẹn trả: 10:00, thứ Ba, 24/11/2026" in out


def test_calendar_due_same_day_procedure_before_15(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _due(
        capsys, demo_data_dir, "--procedure", "1.001193.000.00.31.H27", "--received", "2026-11-30 14:30"
    )
    assert code == 0, out
    assert "1.001193.000.00.31.H27 Đăng ký khai sinh" in out
    assert (
        "Thời hạn giải quyết: Trong ngày làm việc; nếu tiếp nhận sau 15 giờ thì trả kết quả "
        "trong ngày làm việc tiếp theo"
    ) in out
    assert "Ngày hẹn trả: 17:00, thứ Hai, 30/11/2026" in out


def test_calendar_due_readme_example_with_the_national_code(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # README: counter calendar due --procedure 1.001193 --received "2026-11-30 16:45"
    code, out, err = _due(capsys, demo_data_dir, "--procedure", "1.001193", "--received", "2026-11-30 16:45")
    assert code == 0, err
    assert "Đăng ký khai sinh" in out
    assert "Ngày hẹn trả: 17:00, thứ Ba, 01/12/2026" in out


def test_calendar_due_national_code_names_the_copy_of_the_clerks_centre(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _due(
        capsys, demo_data_dir, "--procedure", "1.001193", "--centre", "c-x-loc-ha", "--received", "2026-11-30 15:01"
    )
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("1.001193.") and first.endswith("Đăng ký khai sinh") and first != "1.001193 Đăng ký khai sinh"
    assert "Ngày hẹn trả: 17:00, thứ Ba, 01/12/2026" in out


@pytest.mark.parametrize(
    ("received", "appointment"),
    [
        ((14, 30), "17 giờ 00 phút, thứ Hai, ngày 30 tháng 11 năm 2026"),  # before 15:00: the same day
        ((15, 1), "17 giờ 00 phút, thứ Ba, ngày 01 tháng 12 năm 2026"),  # after 15:00: the next working day
    ],
)
def test_receipt_of_a_same_day_procedure_words_the_law_and_dates_it_right(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    received: tuple[int, int], appointment: str,
) -> None:
    from datetime import datetime

    from pypdf import PdfReader

    from counter_app.bootstrap import VIETNAM_TIME, open_services
    from counter_app.domain.dossier import Outcome
    from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
    from tests.conftest import FakeClock

    clock = FakeClock(datetime(2026, 11, 30, *received, tzinfo=VIETNAM_TIME))
    services = open_services(demo_data_dir, clock=clock)
    session = services.login("nv03", "demo123")  # clerk of phường Thành Sen (000.00.31.H27)
    counter = services.counters(session.centre_id)[0]
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    birth = services.guide_service.procedure("1.001193.000.00.31.H27")
    result = services.dossiers.receive(
        IntakeRequest(
            request_key="same-day", procedure_code=birth.code, outcome=Outcome.COMPLETE,
            applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
            phone="0912345678", address_line="Số 5, đường Phan Đình Phùng",
            components=tuple(
                IntakeComponent(c.name, max(c.originals, 1 if c.required else 0), c.certified_copies, c.photocopies)
                for c in birth.components
            ),
            request_summary="Đăng ký khai sinh cho con",
        ),
        desk,
    )
    out_pdf = tmp_path / "mau01.pdf"

    code, _out, err = run(
        capsys, "render", "receipt", result.code, "--format", "pdf", "--out", str(out_pdf),
        "--data-dir", str(demo_data_dir),
    )

    assert code == 0, err
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out_pdf).pages).split())
    assert (
        "3. Thời hạn giải quyết theo quy định: Trong ngày làm việc; nếu tiếp nhận sau 15 giờ thì trả kết "
        "quả trong ngày làm việc tiếp theo"
    ) in text
    assert f"5. Thời gian trả kết quả giải quyết hồ sơ: {appointment}" in text


def test_a_store_seeded_before_gets_same_day_procedures_on_upgrade(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from counter_app.storage.store import head_revision, store_path

    db = sqlite3.connect(store_path(demo_data_dir))
    with db:  # as the previous version seeded it: khai sinh in 4 working hours, no cut-off
        db.execute(
            "UPDATE procedures SET duration_unit = 'working_hours', duration_amount = 4, duration_cutoff = NULL"
            " WHERE code LIKE '1.001193.%'"
        )
        # a province that set its own time limit for khai tử keeps it
        db.execute(
            "UPDATE procedures SET duration_unit = 'working_days', duration_amount = 2, duration_cutoff = NULL"
            " WHERE code LIKE '1.000656.%'"
        )
        db.execute("UPDATE alembic_version SET version_num = '0008'")
    db.close()

    code, _out, err = run(capsys, "db", "upgrade", "--data-dir", str(demo_data_dir))
    assert code == 0, err
    assert sqlite3.connect(store_path(demo_data_dir)).execute(
        "SELECT version_num FROM alembic_version"
    ).fetchone()[0] == head_revision()

    code, out, err = _due(capsys, demo_data_dir, "--procedure", "1.001193.000.00.31.H27", "--received", "2026-11-30 14:30")
    assert code == 0, err
    assert "Ngày hẹn trả: 17:00, thứ Hai, 30/11/2026" in out
    code, out, err = _due(capsys, demo_data_dir, "--procedure", "1.000656.000.00.31.H27", "--received", "2026-11-30 14:30")
    assert code == 0, err
    assert "Thời hạn giải quyết: 2 ngày làm việc" in out
