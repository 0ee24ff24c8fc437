"""A bounded crash campaign (issue 9): a few dozen SIGKILLs of a process issuing tickets, receiving and
paying dossiers, calling and finishing on a real SQLite store lose nothing it confirmed, duplicate no
number, leave no confirmed operation without its outbox op and no gap in device_seq.

The full campaign, with its figures, is ``benchmarks/crash_campaign.py`` (benchmarks/README.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

KILLS = 20

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _campaign():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "crash_campaign.py"
    spec = importlib.util.spec_from_file_location("crash_campaign", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("crash_campaign", module)
    spec.loader.exec_module(module)
    return module


def test_sigkills_during_real_use_cases_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    campaign = _campaign()

    figures = campaign.run_campaign(tmp_path, kills=KILLS, seed=20261204, max_wait=0.3)

    assert figures.kills == KILLS
    assert figures.child_failures == []  # every run was ended by the kill, none fell over by itself
    assert figures.problems == []  # nothing confirmed lost or duplicated, every op in the outbox, no seq gap
    c = figures.confirmed
    # every use case was confirmed and then killed around, many times (how many depends on the machine's speed)
    assert min(len(c.tickets), len(c.codes), len(c.receipts), len(c.called), len(c.finished)) > 0
    assert c.operations >= KILLS
    # and the checker is not blind: it sees a deleted ticket, a missing outbox op, a rewound counter
    assert figures.controls == dict.fromkeys(figures.controls, True) and len(figures.controls) == 3


def test_the_checker_sees_a_confirmed_operation_that_is_not_in_the_store(tmp_path: Path) -> None:
    campaign = _campaign()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    campaign.make_store(data_dir)
    confirmed = campaign.Confirmed(tickets={"no-such-ticket": ("A001", "2026-11-30")}, codes={"X-1"},
                                   receipts={"BL-0000-26-000001"})
    problems = campaign.check_store(data_dir / "counter.sqlite3", confirmed)
    assert any("A001" in p and "lost" in p for p in problems)
    assert any("X-1" in p for p in problems) and any("BL-0000-26-000001" in p for p in problems)
