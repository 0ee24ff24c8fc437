"""Reports (issue 13) on a real store with generated history: totals reconcile, figures recomputed from the
event history, the bad inputs answered in words, and the exports read back (PDF pages, Excel cells, CSV)."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import fields
from datetime import date, datetime

import pytest

from counter_app.bootstrap import VIETNAM_TIME
from counter_app.cli import main
from counter_app.domain.errors import DomainError
from counter_app.services.permissions import COMMAND_LINE, PermissionDenied
from counter_app.services.report_documents import document_of
from counter_app.services.reports import (
    DIMENSIONS,
    REPORT_NAMES,
    Period,
    ReportFilters,
    ReportService,
    run_report,
)
from counter_app.storage.store import store_path
from tests.report_history import GONE_STAFF, generate, recount

START = datetime(2026, 5, 1, tzinfo=VIETNAM_TIME)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME)


@pytest.fixture
def history(demo_data_dir, clock):  # type: ignore[no-untyped-def]
    generate(demo_data_dir, dossiers=1500, days=200, start=START, tickets_per_day=6, now=NOW)
    return demo_data_dir


@pytest.fixture
def reports(services, history):  # type: ignore[no-untyped-def]
    return ReportService(services.uow, services.clock)


AUG = Period(date(2026, 8, 1), date(2026, 8, 31))


def test_every_breakdown_sums_to_the_total_and_the_flows_balance(reports) -> None:  # type: ignore[no-untyped-def]
    report = reports.dossier_indicators(AUG, ReportFilters(), staff_id=COMMAND_LINE)
    total = report.total
    assert total.received > 100 and total.carried_over > 0 and total.released > 0 and total.skewed > 0
    assert total.balanced
    for dimension in DIMENSIONS:
        lines = report.breakdowns[dimension]
        assert len(lines) > 1, dimension
        for f in fields(total):
            assert sum(getattr(line.figures, f.name) for line in lines) == getattr(total, f.name), (dimension, f.name)
        assert all(line.figures.balanced for line in lines)
    assert total.received == total.received_in_person + total.received_by_post + total.received_online


def test_figures_recomputed_from_the_event_history(reports, history) -> None:  # type: ignore[no-untyped-def]
    for period in (AUG, Period(date(2026, 5, 1), date(2026, 11, 29)), Period(date(2026, 10, 3), date(2026, 10, 3))):
        t = reports.dossier_indicators(period, ReportFilters(), staff_id=COMMAND_LINE).total
        expected = recount(history, *period.bounds())
        assert {"carried_over": t.carried_over, "received": t.received, "early": t.early, "on_time": t.on_time,
                "late": t.late, "stopped": t.stopped, "withdrawn": t.withdrawn, "open": t.open_at_end} == expected


def test_on_time_rate_is_no_data_when_nothing_was_released(reports) -> None:  # type: ignore[no-untyped-def]
    empty = reports.dossier_indicators(Period(date(2025, 1, 1), date(2025, 1, 31)), ReportFilters(),
                                       staff_id=COMMAND_LINE)
    assert empty.total.released == 0 and empty.total.on_time_rate is None
    full = reports.dossier_indicators(AUG, ReportFilters(), staff_id=COMMAND_LINE).total
    assert full.on_time_rate == pytest.approx((full.early + full.on_time) / full.released)


def test_every_report_and_export_of_an_empty_period(reports) -> None:  # type: ignore[no-untyped-def]
    from counter_app.printing.report_export import export

    period = Period(date(2024, 3, 1), date(2024, 3, 31))
    for name in REPORT_NAMES:
        document = document_of(name, run_report(reports, name, period, ReportFilters(), staff_id=COMMAND_LINE))
        for fmt in ("pdf", "xlsx", "csv"):
            assert export(document, fmt), (name, fmt)


def test_queue_figures_recomputed_from_the_tickets(reports, history) -> None:  # type: ignore[no-untyped-def]
    report = reports.queue_indicators(AUG, ReportFilters(centre_id="c-tinh"), staff_id=COMMAND_LINE)
    rows = sqlite3.connect(store_path(history)).execute(
        "SELECT queued_at, called_at, walk_in, outcome, issued_at FROM queue_tickets WHERE centre_id = 'c-tinh'"
        " AND day BETWEEN '2026-08-01' AND '2026-08-31'").fetchall()
    waits = sorted(max(0.0, (datetime.fromisoformat(c) - datetime.fromisoformat(q)).total_seconds())
                   for q, c, walk_in, _, _ in rows if c and not walk_in)
    assert report.visits == len(rows) and sum(map(sum, report.heat_map)) == len(rows)
    assert report.wait.count == len(waits) == sum(report.wait.buckets.values())
    assert report.wait.median_minutes == pytest.approx(waits[(len(waits) + 1) // 2 - 1] / 60, abs=0.01)
    assert report.service_level == pytest.approx(sum(w <= 15 * 60 for w in waits) / len(waits))
    assert report.no_show == sum(1 for r in rows if r[3] == "no_show") and report.skewed > 0
    assert sum(q.visits for q in report.by_line) == report.visits
    issued = [datetime.fromisoformat(r[4]).astimezone(VIETNAM_TIME) for r in rows]
    assert report.heat_map == [[sum(1 for t in issued if (t.weekday(), t.hour) == (d, h)) for h in range(24)]
                               for d in range(7)]


def test_norms_are_the_p75_rounded_up_with_the_sample(reports) -> None:  # type: ignore[no-untyped-def]
    report = reports.service_norms(Period(date(2026, 5, 1), date(2026, 11, 29)), ReportFilters(),
                                   staff_id=COMMAND_LINE)
    assert report.procedures and "75" in report.rule
    for line in report.procedures:
        assert line.norm_minutes >= 1 and line.sample >= 1
        assert line.uncertain == (line.sample < 20)
    for group in report.groups:
        assert group.sample == sum(p.sample for p in report.procedures
                                   if p.field_name == group.field_name and p.kind == group.kind)


def test_demand_forecast_flags_short_history_then_goes_seasonal(reports, history, services) -> None:  # type: ignore[no-untyped-def]
    short = reports.demand(Period(date(2026, 9, 1), date(2026, 11, 29)), ReportFilters(), staff_id=COMMAND_LINE)
    assert short.short_history and short.history_months == 7 and "3" in short.method
    assert [sum(d.months[i] for d in short.procedures) for i in range(3)] == [
        sum(d.months[i] for d in short.agencies) for i in range(3)]
    generate(history, dossiers=400, days=120, start=datetime(2025, 9, 1, tzinfo=VIETNAM_TIME), seed=7, now=NOW)
    long = reports.demand(Period(date(2026, 9, 1), date(2026, 11, 29)), ReportFilters(), staff_id=COMMAND_LINE)
    assert not long.short_history
    dec_2025 = sum(d.months[0] for d in long.agencies)  # guard: the months shown are the period's
    assert dec_2025 == sum(d.months[0] for d in long.procedures)
    db = sqlite3.connect(store_path(history))
    december = db.execute("SELECT count(*) FROM dossiers WHERE received_at >= '2025-11-30T17:00'"
                          " AND received_at < '2025-12-31T17:00'").fetchone()[0]
    assert sum(d.forecast[0] for d in long.agencies) == december


def test_staff_workload_names_a_removed_account_and_adds_up(reports, history) -> None:  # type: ignore[no-untyped-def]
    whole = reports.staff_workload(Period(date(2026, 5, 1), date(2026, 11, 29)), ReportFilters(),
                                   staff_id=COMMAND_LINE)
    gone = [s for s in whole.lines if s.staff_id == GONE_STAFF]
    report = reports.staff_workload(AUG, ReportFilters(centre_id="c-tinh"), staff_id=COMMAND_LINE)
    assert gone and gone[0].deleted and GONE_STAFF in gone[0].name and gone[0].dossiers_returned > 0
    assert report.total.tickets_served == sum(s.tickets_served for s in report.lines) > 0
    assert report.total.duty_hours == pytest.approx(3 * 8 * 31, rel=0.01)
    cash = sqlite3.connect(store_path(history)).execute(
        "SELECT sum(p.total) FROM payments p JOIN dossiers d ON d.id = p.dossier_id WHERE d.centre_id = 'c-tinh'"
        " AND p.method = 'cash' AND p.paid_at >= '2026-07-31T17:00' AND p.paid_at < '2026-08-31T17:00'").fetchone()[0]
    assert report.total.cash_collected == cash


def test_satisfaction_distribution_and_reasons(reports) -> None:  # type: ignore[no-untyped-def]
    report = reports.satisfaction(AUG, ReportFilters(), staff_id=COMMAND_LINE)
    assert report.total.count > 0
    for lines in (report.by_counter, report.by_staff, report.by_procedure):
        assert [sum(r.levels[i] for r in lines) for i in range(5)] == report.total.levels
    assert dict(report.reasons).keys() <= {"Chờ lâu", "Nhân viên nhiệt tình"} and report.reasons


def test_effectiveness_compares_with_the_period_before(reports) -> None:  # type: ignore[no-untyped-def]
    report = reports.effectiveness(Period(date(2026, 9, 1), date(2026, 9, 30)), ReportFilters(),
                                   staff_id=COMMAND_LINE)
    assert report.total.before is not None and report.before_period.end == date(2026, 8, 31)
    assert report.total.now.received == sum(u.now.received for u in report.units)
    assert report.total.now.hours_freed > 0 and report.total.now.on_time_rate is not None


def test_a_supervisor_sees_their_centre_only(reports, services) -> None:  # type: ignore[no-untyped-def]
    own = reports.dossier_indicators(AUG, ReportFilters(), staff_id="s-gsat01")
    assert {line.key for line in own.breakdowns["centre"]} == {"c-tinh"}
    with pytest.raises(PermissionDenied) as refused:
        reports.dossier_indicators(AUG, ReportFilters(centre_id="c-x-cam-xuyen"), staff_id="s-gsat01")
    assert refused.value.code == "permission.not_staff_here"
    with pytest.raises(PermissionDenied) as clerk:
        reports.dossier_indicators(AUG, ReportFilters(), staff_id="s-nv01")
    assert clerk.value.code == "permission.see_reports"
    every = reports.dossier_indicators(AUG, ReportFilters(), staff_id="s-admin01")
    assert len(every.breakdowns["centre"]) > 1
    with pytest.raises(DomainError, match="report.unknown_centre"):
        reports.dossier_indicators(AUG, ReportFilters(centre_id="c-nowhere"), staff_id=COMMAND_LINE)


def test_bad_periods_are_refused_in_words() -> None:
    with pytest.raises(DomainError, match="report.bad_period"):
        Period(date(2026, 8, 31), date(2026, 8, 1))
    with pytest.raises(DomainError, match="report.period_too_long"):
        Period(date(2020, 1, 1), date(2026, 1, 1))


def test_a_procedure_renamed_or_in_a_new_catalog_version_is_one_line(reports, history) -> None:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(store_path(history))
    code, name = db.execute("SELECT procedure_code, procedure_name FROM dossiers WHERE received_at >= '2026-08-10'"
                            " AND received_at < '2026-08-20' LIMIT 1").fetchone()
    db.execute("UPDATE dossiers SET procedure_name = 'Tên cũ', catalog_version = 0 WHERE procedure_code = ?"
               " AND received_at < '2026-08-15'", (code,))
    db.execute("UPDATE procedures SET name = 'Tên mới', catalog_version = 2 WHERE code = ?", (code,))
    db.commit()
    report = reports.dossier_indicators(AUG, ReportFilters(), staff_id=COMMAND_LINE)
    lines = [line for line in report.breakdowns["procedure"] if line.key == code]
    assert len(lines) == 1 and lines[0].name == "Tên mới"
    db.execute("DELETE FROM procedures WHERE code = ?", (code,))  # left the catalog: the latest name received
    db.commit()
    gone = reports.dossier_indicators(AUG, ReportFilters(), staff_id=COMMAND_LINE)
    assert [line.name for line in gone.breakdowns["procedure"] if line.key == code] in (["Tên cũ"], [name])
    assert gone.total == report.total


def test_cancelled_report_stops_in_words(reports) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="report.cancelled"):
        reports.dossier_indicators(AUG, ReportFilters(), staff_id=COMMAND_LINE, cancelled=lambda: True)


# -- the command ----------------------------------------------------------------------------------------


def test_cli_effectiveness_pdf_is_one_page(history, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import pypdf

    out = tmp_path / "hieu-qua.pdf"
    assert main(["report", "effectiveness", "--from", "2026-09-01", "--to", "2026-09-30", "--format", "pdf",
                 "--out", str(out), "--data-dir", str(history)]) == 0
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "01/09/2026" in text


def test_cli_xlsx_has_real_numbers_and_dates(history, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    out = tmp_path / "ho-so.xlsx"
    assert main(["report", "dossiers", "--from", "2026-08-01", "--to", "2026-08-31", "--format", "xlsx",
                 "--centre", "c-tinh", "--out", str(out), "--data-dir", str(history)]) == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet["B3"].value.date() == date(2026, 8, 1) and sheet["D3"].value.date() == date(2026, 8, 31)
    total = next([c.value for c in row] for row in sheet.iter_rows(min_row=6) if row[0].value == "Tổng cộng")
    total_row = next(row[0].row for row in sheet.iter_rows(min_row=6) if row[0].value == "Tổng cộng")
    assert all(isinstance(v, int) for v in total[1:16]) and total[2] > 0
    assert isinstance(total[16], float) and sheet.cell(total_row, 17).number_format == "0.0%"


def test_cli_csv_opens_in_excel_with_vietnamese(history, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv

    out = tmp_path / "hai-long.csv"
    assert main(["report", "satisfaction", "--from", "2026-08-01", "--to", "2026-08-31", "--format", "csv",
                 "--out", str(out), "--data-dir", str(history)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert any("Chờ lâu" in row for row in rows)


@pytest.mark.parametrize("argv, words", [
    (["--from", "2026-08-31", "--to", "2026-08-01"], "trước khi bắt đầu"),
    (["--from", "2026-13-01", "--to", "2026-12-01"], "không phải ngày hợp lệ"),
    (["--from", "2026-08-01", "--to", "2026-08-31", "--centre", "c-nowhere"], "c-nowhere"),
])
def test_cli_bad_input_is_one_vietnamese_line(history, tmp_path, capsys, argv, words, vi) -> None:  # type: ignore[no-untyped-def]
    code = main(["report", "dossiers", *argv, "--format", "csv", "--out", str(tmp_path / "x.csv"),
                 "--data-dir", str(history)])
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def test_clock_skewed_records_still_add_up(reports, history) -> None:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(store_path(history))
    before = reports.dossier_indicators(AUG, ReportFilters(), staff_id=COMMAND_LINE).total
    db.execute("UPDATE dossiers SET result_ready_at = '2020-01-01T00:00:00.000000+00:00' WHERE result_ready_at"
               " IS NOT NULL AND received_at >= '2026-08-10' AND received_at < '2026-08-20'")
    db.commit()
    after = reports.dossier_indicators(AUG, ReportFilters(), staff_id=COMMAND_LINE).total
    assert after.balanced and after.skewed > before.skewed
    assert after.received == before.received and after.released > 0


def test_the_readme_report_example_runs_as_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess

    import pypdf

    from tests.integration.test_readme_examples import ROOT, _block_after, _checkout_after_make_run

    checkout = _checkout_after_make_run(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("COUNTER_DATA_DIR", None)
    done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + _block_after("## Reports (command line)")],
                          cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(pypdf.PdfReader(checkout / "hieu-qua.pdf").pages) == 1
