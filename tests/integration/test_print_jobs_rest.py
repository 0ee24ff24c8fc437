"""Printing owned by the service, the rest (issue 10): the results and post steps owe their forms, the
kiosk's ticket is an owed job settled at once and never printed after a restart (real SQLite store)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import IntakeComponent, IntakeRequest
from counter_app.services.ports import PrintJob
from counter_app.storage.store import store_path
from tests.conftest import FakeClock
from tests.integration.test_print_jobs import JammedPrinter, desk_of, printed_events

FOOD_SAFETY = "2.000595"  # 30.000 đ, 5 working days, result by post allowed
ITEM = "EB123456785VN"


def rows(data_dir: Path) -> dict[str, tuple[str, str, str, int, str]]:
    """id -> (kind, key, status, attempts, last_error), read with plain sqlite3 as a restart would."""
    with sqlite3.connect(store_path(data_dir)) as db:
        return {r[0]: tuple(r[1:]) for r in db.execute(  # type: ignore[misc]
            "SELECT id, kind, key, status, attempts, last_error FROM print_jobs")}


def receive(services: Any, *, by_post: bool = False) -> str:
    guide = services.procedure_guide(FOOD_SAFETY)
    name = "Nguyễn Thị Ánh Tuyết"
    req = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name=name, id_number="042301000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        result_delivery="post" if by_post else "counter", delivery_receiver=name if by_post else "",
        delivery_address="Số 5, phường Thành Sen" if by_post else "", delivery_phone="0912345678" if by_post else "",
    )
    code = str(services.dossiers.receive(req, desk_of(services)).code)
    for job in services.printing.owed_jobs():  # the intake's own papers, printed: only the step's remain
        services.printing.work_off(job, desk_of(services))
    return code


def at_agency(services: Any, *, by_post: bool = False) -> str:
    code = receive(services, by_post=by_post)
    done = services.dossiers.hand_over([code], desk_of(services), out_of_hours_confirmed=True)
    for job_id in done.print_jobs:
        services.printing.work_off(job_id, desk_of(services))
    return code


# -- the results steps owe Mẫu 02/04/05 -----------------------------------------------------------


@pytest.mark.parametrize("step, kind", [("supplement", "supplement"), ("extend", "apology"), ("stop", "stop")])
def test_each_results_step_commits_its_form_as_an_owed_job(
    services: Any, demo_data_dir: Path, step: str, kind: str
) -> None:
    code = at_agency(services)
    desk = desk_of(services)
    before = set(rows(demo_data_dir))
    if step == "supplement":
        summary = services.dossiers.request_supplement(code, desk, reason="Thiếu giấy", missing=["Giấy khám"])
    elif step == "extend":
        appointment = services.dossiers.find(code).appointment
        summary = services.dossiers.extend(code, desk, new_appointment=appointment + timedelta(days=3),
                                           reason="Cần xác minh")
    else:
        summary = services.dossiers.stop(code, desk, requested_on=date(2026, 11, 30), reason="Công dân xin rút")
    new = {k: v for k, v in rows(demo_data_dir).items() if k not in before}
    assert [(v[0], v[1], v[2]) for v in new.values()] == [(kind, code, "owed")]
    assert summary.print_jobs == tuple(new)  # the answer names the job the screen works off

    outcome = services.printing.work_off(summary.print_jobs[0], desk)
    assert outcome.ok and outcome.kind.value == kind
    assert rows(demo_data_dir)[summary.print_jobs[0]][2:4] == ("printed", 1)
    [event] = [e for e in printed_events(services, code) if e.data["document"] == kind]
    assert event.data["job"] == summary.print_jobs[0]


def test_a_step_the_rules_refuse_owes_nothing(services: Any, demo_data_dir: Path) -> None:
    code = receive(services)  # still at the counter: no agency has asked anything
    before = rows(demo_data_dir)
    with pytest.raises(DomainError):
        services.dossiers.request_supplement(code, desk_of(services), reason="Thiếu", missing=[])
    assert rows(demo_data_dir) == before  # the job lives and dies with the step's transaction
    assert services.dossiers.result_ready(at_agency(services), desk_of(services)).print_jobs == ()  # no form


def test_a_jammed_printer_leaves_the_form_owed_and_the_restart_offers_it(
    services: Any, demo_data_dir: Path, clock: FakeClock
) -> None:
    from counter_app.bootstrap import open_services

    code = at_agency(services)
    summary = services.dossiers.stop(code, desk_of(services), requested_on=date(2026, 11, 30), reason="Xin rút")
    services.printing.printer = JammedPrinter()
    assert not services.printing.work_off(summary.print_jobs[0], desk_of(services)).ok
    assert rows(demo_data_dir)[summary.print_jobs[0]][2:] == ("failed", 1, "paper jam")
    assert services.dossiers.find(code).status.value == "stopped"  # the step stays committed

    clock.advance(minutes=5)  # the program is started again
    later = open_services(demo_data_dir, clock=clock)
    [job] = later.printing.owed_at_start()
    assert (job.id, job.kind, job.key) == (summary.print_jobs[0], DocumentKind.STOP, code)
    assert later.printing.work_off(job, desk_of(later)).ok
    assert later.printing.owed_at_start() == []


# -- sending by post owes the delivery label; returning owes nothing ------------------------------


def test_sending_by_post_owes_the_label_printed_once_with_the_dossier_event(
    services: Any, demo_data_dir: Path
) -> None:
    code = at_agency(services, by_post=True)
    desk = desk_of(services)
    services.dossiers.result_ready(code, desk)
    paid = services.dossiers.pay(code, desk, amount=30_000, method="cash", request_key="fees")
    services.printing.work_off(paid.print_jobs[0], desk)
    summary = services.dossiers.send_by_post(code, desk, item_code=ITEM, receiver_name="Nguyễn Thị Ánh Tuyết",
                                             address="Số 5, phường Thành Sen", phone="0912345678", charge=25_000)
    [job_id] = summary.print_jobs
    assert rows(demo_data_dir)[job_id][:3] == ("delivery-label", ITEM, "owed")
    assert services.printing.work_off(job_id, desk).ok
    [event] = [e for e in printed_events(services, code) if e.data["document"] == "delivery-label"]
    assert event.data["key"] == ITEM  # the label's dossier, found through its postal item
    assert services.printing.mark_printed(job_id, desk) is False
    assert services.printing.owed_jobs() == []


def test_returning_a_result_owes_no_paper(services: Any, demo_data_dir: Path) -> None:
    code = at_agency(services)
    desk = desk_of(services)
    services.dossiers.result_ready(code, desk)
    paid = services.dossiers.pay(code, desk, amount=30_000, method="cash", request_key="fees")
    assert [rows(demo_data_dir)[j][0] for j in paid.print_jobs] == ["payment-receipt"]
    services.printing.work_off(paid.print_jobs[0], desk)
    returned = services.dossiers.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết",
                                               recipient_id="042301000123")
    assert returned.print_jobs == () and services.printing.owed_jobs() == []


# -- the kiosk's ticket ---------------------------------------------------------------------------


def _line(services: Any) -> str:
    return str(services.queue.lines(services.station().centre_id)[0].id)


def test_a_kiosk_ticket_commits_its_print_job_with_it_and_printing_settles_it(
    services: Any, demo_data_dir: Path
) -> None:
    ticket = services.queue.issue_ticket(_line(services), request_key="tap-1", owe_print=True)
    assert rows(demo_data_dir) == {ticket.print_job: ("queue-ticket", ticket.id, "owed", 0, "")}
    again = services.queue.issue_ticket(_line(services), request_key="tap-1", owe_print=True)  # the answer was lost
    assert (again.number, again.print_job) == (ticket.number, ticket.print_job)
    assert services.printing.owed_jobs() == []  # a ticket is never offered at a counter

    job = services.ticket_printer.print_ticket(ticket, services.station().centre_name)
    assert job.ok
    assert rows(demo_data_dir)[ticket.print_job][2:4] == ("printed", 1)
    assert services.queue.issue_ticket(_line(services), request_key="tap-1", owe_print=True).print_job == ""
    plain = services.queue.issue_ticket(_line(services), request_key="cli-1")  # not from a kiosk: no paper owed
    assert plain.print_job == "" and len(rows(demo_data_dir)) == 1


def test_a_ticket_refused_by_the_printer_is_settled_not_printed_and_never_printed_later(
    services: Any, demo_data_dir: Path
) -> None:
    ticket = services.queue.issue_ticket(_line(services), request_key="tap-2", owe_print=True)
    services.ticket_printer.printer = JammedPrinter()
    job = services.ticket_printer.print_ticket(ticket, services.station().centre_name)
    assert isinstance(job, PrintJob) and not job.ok
    kind, key, status, _attempts, error = rows(demo_data_dir)[ticket.print_job]
    assert (kind, key, status) == ("queue-ticket", ticket.id, "cancelled")
    assert "paper jam" in error and "shown on screen" in error
    assert services.ticket_printer.drop_left_over() == []  # nothing owed: nothing comes out later
    assert services.queue.ticket(ticket.id).status.value == "waiting"  # the ticket stands


def test_a_ticket_left_owed_by_a_crash_is_dropped_at_the_kiosk_restart_never_printed(
    services: Any, demo_data_dir: Path, clock: FakeClock
) -> None:
    from counter_app.bootstrap import open_services

    ticket = services.queue.issue_ticket(_line(services), request_key="tap-3", owe_print=True)
    fresh = services.queue.issue_ticket(_line(services), request_key="tap-4", owe_print=True)
    assert services.ticket_printer.drop_left_over() == []  # this run's own tickets are not touched
    # the kiosk died between the commit and the print
    clock.advance(minutes=2)
    later = open_services(demo_data_dir, clock=clock)
    printed: list[str] = []

    class Watching:
        name = "watching"

        def print_image(self, png: bytes, *, title: str, at: Any) -> PrintJob:
            printed.append(title)
            return PrintJob(self.name, ok=True)

        def print_pdf(self, pdf: bytes, *, title: str, at: Any) -> PrintJob:
            printed.append(title)
            return PrintJob(self.name, ok=True)

    later.ticket_printer.printer = later.printing.printer = Watching()
    dropped = later.ticket_printer.drop_left_over()
    assert sorted(j.id for j in dropped) == sorted([ticket.print_job, fresh.print_job])
    assert {rows(demo_data_dir)[j.id][2] for j in dropped} == {"cancelled"}
    assert later.printing.owed_at_start() == [] and printed == []  # nothing offered, nothing printed
    assert later.ticket_printer.drop_left_over() == []
    assert later.queue.ticket(ticket.id).status.value == "waiting"  # still called in its turn


def test_sample_dossiers_of_the_demo_owe_no_paper(demo_data_dir: Path, clock: FakeClock) -> None:
    from counter_app.bootstrap import _populate_demo_dossiers, open_services

    made = _populate_demo_dossiers(demo_data_dir, clock.now(), count=12)
    assert sum(made.values()) == 12
    assert rows(demo_data_dir)  # the use cases owed their papers …
    assert open_services(demo_data_dir, clock=clock).printing.owed_jobs() == []  # … and none is offered
