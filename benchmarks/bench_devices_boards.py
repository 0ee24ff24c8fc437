"""Queue-number boards (issue 11): a call at a counter → the board's bytes written (target ≤ 20 ms),
through the real path: the queue service on a SQLite store, its subscriber CounterBoards, the
board's worker thread, pyserial, a pty; the far end of the pty timestamps each frame's arrival
(and answers ACK for the sum frame, like a board). Beside it, in the same run: the call alone
(no board set) and the frame through a bare pty (floors), and each frame's time on a real
9600 baud line (bytes × 10 bits / 9600, which a pty does not add)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = int(os.environ.get("BENCH_BOARD_RUNS", "40"))
TARGET_MS = 20.0
LINE_BAUD = 9600


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


class FarEnd:
    """The board's end of the pty: records when each frame arrived; ACKs sum frames."""

    def __init__(self, frame_end: bytes | None, frame_len: int | None, ack: bytes) -> None:
        self.master, slave = os.openpty()
        self.port = os.ttyname(slave)
        os.close(slave)
        self.frame_end, self.frame_len, self.ack = frame_end, frame_len, ack
        self.arrivals: list[float] = []
        self.buffer = b""
        self.done = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        import select

        while not self.done.is_set():
            if not select.select([self.master], [], [], 0.1)[0]:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                time.sleep(0.01)
                continue
            now = time.perf_counter()
            self.buffer += data
            while True:
                if self.frame_len is not None and len(self.buffer) >= self.frame_len:
                    self.buffer = self.buffer[self.frame_len:]
                elif self.frame_end is not None and self.frame_end in self.buffer:
                    self.buffer = self.buffer.split(self.frame_end, 1)[1]
                else:
                    break
                self.arrivals.append(now)
                if self.ack:
                    os.write(self.master, self.ack)

    def close(self) -> None:
        self.done.set()
        os.close(self.master)


def run(protocol: str, tmp: Path) -> dict[str, list[float]]:
    from counter_app.bootstrap import init_store, open_services, settings_path
    from counter_app.devices.boards import PROTOCOLS
    from counter_app.services.settings import Settings, save_settings
    from tests.conftest import FakeClock
    from tests.integration.test_queue_service import NV01, Q8, K, _seed

    sample = PROTOCOLS[protocol].encode(8, "K001", True)
    far = FarEnd(b"\r\n" if protocol == "ascii-line" else b"\r" if protocol == "cd5220" else None,
                 4 if protocol == "sum-frame" else None, b"\x06" if protocol == "sum-frame" else b"")
    address = {"address": 8} if protocol != "cd5220" else {}
    save_settings(settings_path(), Settings(devices={
        "board-8": {"uri": f"serial://{far.port}?baud={LINE_BAUD}", "protocol": protocol, **address}}))
    data = tmp / f"data-{protocol}"
    clock = FakeClock()
    init_store(data, demo=True, clock=clock, demo_dossiers=0)
    services = open_services(data, clock=clock)
    _seed(services.uow)
    queue = services.queue
    published: list[float] = []
    queue.subscribe(lambda update: published.append(time.perf_counter()) if hasattr(update, "recall") else None)
    stop = services.start_boards()
    assert stop is not None
    for i in range(RUNS + 1):
        queue.issue_ticket(K, request_key=f"b{i}")
    call_ms: list[float] = []
    call_to_bytes: list[float] = []
    publish_to_bytes: list[float] = []
    for _ in range(RUNS + 1):
        before = len(far.arrivals)
        published.clear()
        started = time.perf_counter()
        assert queue.call_next(Q8, NV01) is not None
        returned = time.perf_counter()
        deadline = time.monotonic() + 2
        while len(far.arrivals) == before and time.monotonic() < deadline:
            time.sleep(0.0002)
        assert len(far.arrivals) > before, "the board got nothing"
        arrived = far.arrivals[before]
        call_ms.append((returned - started) * 1000)
        call_to_bytes.append((arrived - started) * 1000)
        publish_to_bytes.append((arrived - published[0]) * 1000)
        queue.finish_service(Q8, NV01)
    stop()
    far.close()
    for series in (call_ms, call_to_bytes, publish_to_bytes):
        series.pop(0)  # the first call loads modules and opens the port
    return {"call": call_ms, "call_to_bytes": call_to_bytes, "publish_to_bytes": publish_to_bytes,
            "bytes": [float(len(sample))]}


def floor_call(tmp: Path) -> list[float]:
    from counter_app.bootstrap import init_store, open_services, settings_path
    from counter_app.services.settings import Settings, save_settings
    from tests.conftest import FakeClock
    from tests.integration.test_queue_service import NV01, Q8, K, _seed

    save_settings(settings_path(), Settings())
    data = tmp / "data-floor"
    clock = FakeClock()
    init_store(data, demo=True, clock=clock, demo_dossiers=0)
    services = open_services(data, clock=clock)
    _seed(services.uow)
    queue = services.queue
    for i in range(RUNS + 1):
        queue.issue_ticket(K, request_key=f"f{i}")
    out = []
    for _ in range(RUNS + 1):
        started = time.perf_counter()
        queue.call_next(Q8, NV01)
        out.append((time.perf_counter() - started) * 1000)
        queue.finish_service(Q8, NV01)
    return out[1:]


def floor_pty(frame: bytes) -> list[float]:
    master, slave = os.openpty()
    out = []
    for _ in range(RUNS):
        started = time.perf_counter()
        os.write(slave, frame)
        got = 0
        while got < len(frame):
            got += len(os.read(master, 4096))
        out.append((time.perf_counter() - started) * 1000)
    os.close(master)
    os.close(slave)
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["COUNTER_CONFIG_DIR"] = str(tmp / "config")
        from counter_app.devices.boards import PROTOCOLS

        floor = floor_call(tmp)
        print(f"floor: call_next alone (no board set): p50 {statistics.median(floor):.2f} "
              f"p99 {p(floor, 0.99):.2f} ms [floor]")
        for name in ("sum-frame", "ascii-line", "cd5220"):
            frame = PROTOCOLS[name].encode(8 if name != "cd5220" else None, "K001", True)
            bare = floor_pty(frame)
            figures = run(name, tmp)
            calls, total, after = figures["call"], figures["call_to_bytes"], figures["publish_to_bytes"]
            line_ms = len(frame) * 10 / LINE_BAUD * 1000
            print(f"floor: {name} frame ({len(frame)} bytes) through a bare pty: p50 {statistics.median(bare):.3f} ms [floor]")
            print(f"{name}: call_next with the board set: p50 {statistics.median(calls):.2f} p99 {p(calls, 0.99):.2f} ms")
            print(f"{name}: call committed (published) → board bytes at the far end: p50 {statistics.median(after):.2f} "
                  f"p90 {p(after, 0.9):.2f} p99 {p(after, 0.99):.2f} ms (target <= {TARGET_MS:.0f}) "
                  f"{'PASS' if p(after, 0.99) <= TARGET_MS else 'FAIL'}")
            print(f"{name}: call started → board bytes at the far end: p50 {statistics.median(total):.2f} "
                  f"p99 {p(total, 0.99):.2f} ms; on a real {LINE_BAUD} baud line add {line_ms:.1f} ms of wire time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
