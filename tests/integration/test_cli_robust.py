"""The command line never falls over: bounded numbers and dates, one line of words, no traceback, exit 0/1/2."""

from __future__ import annotations

import os
import signal
import string
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.cli import main

pytestmark = pytest.mark.usefixtures("vi")
SECONDS_PER_COMMAND = 20
EXAMPLES = int(os.environ.get("CLI_EXAMPLES", "120"))  # CLI_EXAMPLES=2000 for a longer hunt


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: the runaway `--working-days 10**20` ran until killed."""

    def _expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"the command ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    with deadline(SECONDS_PER_COMMAND):
        try:
            code = main(args)
        except SystemExit as exited:  # argparse: bad arguments
            code = exited.code if isinstance(exited.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_of_words(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2)
    assert "Traceback" not in err and "Traceback" not in out
    assert "Logging error" not in err
    if code != 0:
        assert err.count("\n") == 1, err  # one line, on stderr
        assert err.startswith("counter")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["calendar", "due", "--working-days", "1", "--received", "9999-12-31 23:59"], "nằm ngoài các năm mà lịch làm việc có"),
        (["calendar", "due", "--working-days", "3000000", "--received", "2026-11-30 09:00"], "không phải là số nguyên từ 0 đến 500"),
        (["calendar", "due", "--working-days", "100000000000000000000", "--received", "2026-11-30 09:00"], "không phải là số nguyên từ 0 đến 500"),
        (["calendar", "due", "--procedure", "", "--received", "2026-11-30 09:00"], "không được để trống"),
        (["dossier", "list", "--status", "received", "--limit", "10000000000000000000000000"], "không phải là số nguyên từ 1 đến 10000"),
        (["dossier", "list", "--status", "received", "--limit", "-1"], "không phải là số nguyên từ 1 đến 10000"),
        (["book", "--from", "0001-01-01", "--to", "9999-12-31", "--out", "{tmp}/book.pdf"], "nằm ngoài các năm mà lịch làm việc có"),
        (["book", "--from", "2026-01-01", "--to", "2027-06-30", "--out", "{tmp}/book.pdf"], "tối đa 366 ngày"),
        (["calendar", "due", "--working-days", "1", "--received", "2026-11-30 09:00", "--centre", "nope"], "nope"),
        (["voice", "say", "A012", "--counter", "0", "--dry-run"], "không phải là số nguyên từ 1 đến 99"),
        (["catalog", "search", "khai", "--limit", "0"], "không phải là số nguyên từ 1 đến 10000"),
    ],
)
def test_inputs_that_printed_a_traceback_or_ran_away_are_refused_in_words(
    demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args] + ["--data-dir", str(demo_data_dir)]
    started = time.monotonic()

    code, out, err = run(capsys, argv)

    assert code == 2, (out, err)
    assert_one_line_of_words(code, out, err)
    assert words in err
    assert out == ""  # errors go to stderr, never stdout
    assert time.monotonic() - started < 5
    assert not (tmp_path / "book.pdf").exists()


def test_an_unexpected_failure_is_one_line_naming_the_log(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import counter_app.bootstrap as bootstrap

    def broken(*_a: object, **_k: object) -> object:
        raise RuntimeError("disk controller on fire")

    monkeypatch.setattr(bootstrap, "open_services", broken)

    code, out, err = run(capsys, ["catalog", "search", "khai", "sinh", "--data-dir", str(demo_data_dir)])

    assert code == 1
    assert_one_line_of_words(code, out, err)
    log = demo_data_dir / "logs" / "counter.log"
    assert str(log) in err
    assert "disk controller on fire" in log.read_text(encoding="utf-8")  # the details are really there


_WORDS = st.text(alphabet=string.ascii_letters + string.digits + "-.:/ \u202eđĐệ\x00\x1b", max_size=30)
_NUMBERS = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from(["", " ", "1e9", "0x10", "٣", "nan", "-0"]),
)
_DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    _WORDS,
)
_DATETIMES = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    _WORDS,
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["calendar-days", "calendar-procedure", "search", "list", "show", "render", "book", "voice", "station", "check"]))
    if kind == "calendar-days":
        return ["calendar", "due", "--working-days", draw(_NUMBERS), "--received", draw(_DATETIMES)]
    if kind == "calendar-procedure":
        return ["calendar", "due", "--procedure", draw(_WORDS), "--received", draw(_DATETIMES), *draw(st.sampled_from([[], ["--centre", "nope"]]))]
    if kind == "search":
        return ["catalog", "search", draw(_WORDS), "--limit", draw(_NUMBERS)]
    if kind == "list":
        return ["dossier", "list", "--status", draw(st.sampled_from(["received", "returned", "lost", ""])), "--limit", draw(_NUMBERS)]
    if kind == "show":
        return ["dossier", "show", draw(_WORDS)]
    if kind == "render":
        return ["render", draw(st.sampled_from(["receipt", "stop", "handover", "nope"])), draw(_WORDS), "--out", "{tmp}/x.pdf"]
    if kind == "book":
        return ["book", "--from", draw(_DATES), "--to", draw(_DATES), "--out", "{tmp}/b.pdf"]
    if kind == "voice":
        return ["voice", "say", draw(_WORDS), "--counter", draw(_NUMBERS), "--dry-run"]
    if kind == "station":
        return ["station", "--centre", draw(_WORDS)]
    return ["db", "check"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=command_lines())
def test_any_command_line_ends_in_0_1_or_2_with_at_most_one_line_of_words(
    argv: list[str], demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--data-dir", str(demo_data_dir)]
    if any("\x00" in a for a in args):
        return  # a NUL cannot be passed on a real command line (execve refuses it)

    code, out, err = run(capsys, args)

    assert_one_line_of_words(code, out, err)
    assert "\u202e" not in err  # a right-to-left override is never echoed back
