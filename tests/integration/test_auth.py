"""Staff login on a real store: right and wrong passwords, lock-out, clock jumps, duty at a counter."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path


def test_demo_clerk_logs_in(services) -> None:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    assert session.username == "nv01"
    assert session.full_name
    assert session.centre_name.startswith("Trung tâm")


def test_username_is_trimmed_and_case_free(services) -> None:  # type: ignore[no-untyped-def]
    assert services.login("  NV01 ", "demo123").username == "nv01"


def test_wrong_password_says_so_in_vietnamese(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        services.login("nv01", "sai-mat-khau")
    assert caught.value.code == "auth.bad_credentials"
    assert describe_error(caught.value) == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_unknown_user_gets_the_same_answer(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        services.login("khong-co", "demo123")
    assert caught.value.code == "auth.bad_credentials"


def test_five_failures_lock_the_account_for_a_while(services, clock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        with pytest.raises(DomainError, match="auth.bad_credentials"):
            services.login("nv01", "wrong")
    with pytest.raises(DomainError) as caught:
        services.login("nv01", "wrong")
    assert caught.value.code == "auth.locked"
    message = describe_error(caught.value)
    assert "bị khóa" in message and (clock.now() + timedelta(minutes=15)).strftime("%H:%M") in message
    with pytest.raises(DomainError, match="auth.locked"):  # even the right password waits
        services.login("nv01", "demo123")
    clock.advance(minutes=16)
    assert services.login("nv01", "demo123").username == "nv01"


def test_clock_set_back_does_not_lengthen_a_lock(services, clock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        with pytest.raises(DomainError):
            services.login("nv02", "wrong")
    clock.advance(hours=-3)  # someone set the PC's clock back
    with pytest.raises(DomainError, match="auth.locked"):
        services.login("nv02", "demo123")
    clock.advance(minutes=16)
    assert services.login("nv02", "demo123").username == "nv02"


def test_lock_is_recorded_for_sync(services, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        with pytest.raises(DomainError):
            services.login("nv01", "wrong")
    rows = sqlite3.connect(store_path(demo_data_dir)).execute(
        "SELECT entity, op, device_id FROM outbox"
    ).fetchall()
    assert ("staff", "locked", services.device_id) in rows


def test_opening_a_counter_records_duty_and_an_outbox_op(services, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counters = services.counters(session.centre_id)
    assert [c.number for c in counters] == sorted(c.number for c in counters)
    duty_id = services.open_counter(session, counters[0].id)
    db = sqlite3.connect(store_path(demo_data_dir))
    assert db.execute("SELECT staff_id, counter_id FROM counter_sessions WHERE id=?", (duty_id,)).fetchone() == (
        session.staff_id,
        counters[0].id,
    )
    seqs = [r[0] for r in db.execute("SELECT device_seq FROM outbox ORDER BY device_seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def test_counter_of_another_centre_is_refused(services) -> None:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    with pytest.raises(DomainError, match="counter.unknown"):
        services.open_counter(session, "no-such-counter")


def test_closing_a_duty_period_records_its_end_once(services, demo_data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    duty_id = services.open_counter(session, services.counters(session.centre_id)[0].id)
    clock.advance(hours=4)
    services.close_counter(duty_id)
    services.close_counter(duty_id)  # closing twice changes nothing
    db = sqlite3.connect(store_path(demo_data_dir))
    ended = db.execute("SELECT ended_at FROM counter_sessions WHERE id = ?", (duty_id,)).fetchone()[0]
    assert ended is not None and ended.startswith("2026-11-30T06:00")  # 13:00 Vietnam time, stored UTC
    assert db.execute("SELECT count(*) FROM outbox WHERE entity='counter_session' AND op='closed'").fetchone()[0] == 1
