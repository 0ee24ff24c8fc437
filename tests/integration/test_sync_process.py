"""The sync client against a real `counter serve` on 127.0.0.1 (embedded SQLite), with real counter data dirs.

Two PCs enrolled to one server work while it is stopped, reconnect and converge: every op of both is
on the server exactly once and none is lost locally. A response lost after the server committed (a
proxy of our own drops the connection after forwarding the push) is retried and answered duplicate,
never applied twice. A revoked PC says so in words and keeps its ops.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from counter_app.bootstrap import open_services, open_sync
from counter_app.sync.client import SyncFault

pytestmark = pytest.mark.xdist_group("server")
CENTRE = "c-tinh"


def counter(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "counter_app.cli", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=60, env=env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A real `counter serve` process that the test stops and starts again on the same port."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "counter_app.cli", "serve", "--data-dir", str(self.data_dir), "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started = time.monotonic()
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, self.process.stderr.read() if self.process.stderr else ""
            assert time.monotonic() - started < 20, "counter serve did not answer within 20 s"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def op_log(self) -> list[tuple[str, str, int]]:
        with sqlite3.connect(self.data_dir / "server.sqlite3") as db:
            return db.execute("SELECT op_id, device_id, device_seq FROM op_log").fetchall()


class DroppingProxy:
    """Forwards HTTP between the client and the server; drops the client's connection after
    forwarding the next ``drops`` pushes (the server committed; the answer never arrives)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.drops = 0
        self.dropped = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _read_message(sock: socket.socket, buffer: bytearray) -> bytes | None:
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        body = bytearray(rest)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            body += chunk
        buffer[:] = body[length:]
        return head + b"\r\n\r\n" + bytes(body[:length])

    def _serve(self, client: socket.socket) -> None:
        with client, socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
            from_client, from_server = bytearray(), bytearray()
            while True:
                request = self._read_message(client, from_client)
                if request is None:
                    return
                upstream.sendall(request)
                response = self._read_message(upstream, from_server)
                if response is None:
                    return
                if request.startswith(b"POST /api/v1/push") and self.drops > 0:
                    self.drops -= 1
                    self.dropped += 1
                    return  # the server applied the batch; the client never hears it
                client.sendall(response)


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sync-server")
    done = counter("server", "init", "--demo", data_dir=folder)
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def server(server_dir: Path) -> Iterator[Server]:
    process = Server(server_dir)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def new_pc(tmp_path: Path, name: str, slot: int, server: Server, server_dir: Path) -> Path:
    """An empty counter store enrolled with a one-time code, with the province pulled from the server."""
    data_dir = tmp_path / name
    made = counter("init", "--device-slot", str(slot), data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    code = counter("server", "enrol-code", "--centre", CENTRE, "--slot", str(slot), data_dir=server_dir)
    assert code.returncode == 0, code.stderr
    one_time = code.stdout.strip().splitlines()[-1]
    enrolled = counter("sync", "enrol", "--server", server.url, "--code", one_time, data_dir=data_dir)
    assert enrolled.returncode == 0, enrolled.stderr
    assert one_time not in enrolled.stdout
    pulled = counter("sync", "now", data_dir=data_dir)
    assert pulled.returncode == 0, pulled.stderr
    return data_dir


def work(data_dir: Path, duty_periods: int) -> None:
    """Counter work that writes outbox ops: duty periods opened and closed at a counter of the centre."""
    services = open_services(data_dir)
    staff = services.demo_session()[0]
    counter_id = services.counters(CENTRE)[0].id
    for _ in range(duty_periods):
        services.close_counter(services.open_counter(staff, counter_id))


def outbox(data_dir: Path) -> list[tuple[str, str, int, str | None]]:
    with sqlite3.connect(data_dir / "counter.sqlite3") as db:
        return db.execute("SELECT op_id, device_id, device_seq, pushed_at FROM outbox ORDER BY device_seq").fetchall()


def test_two_pcs_work_offline_reconnect_and_converge_with_no_loss_and_no_duplicate(
        tmp_path: Path, server: Server, server_dir: Path) -> None:
    pc1 = new_pc(tmp_path, "pc1", 2, server, server_dir)
    pc2 = new_pc(tmp_path, "pc2", 3, server, server_dir)
    with sqlite3.connect(pc1 / "counter.sqlite3") as db:  # the province came down with the first pull
        assert db.execute("SELECT count(*) FROM staff").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM procedures").fetchone()[0] > 0
        assert db.execute("SELECT cursor FROM sync_link").fetchone()[0]

    server.stop()
    work(pc1, 3)
    work(pc2, 2)
    status = counter("sync", "status", data_dir=pc1)
    assert status.returncode == 0 and "Số thay đổi chờ gửi: 6" in status.stdout, status.stdout  # 3 × open+close
    offline = counter("sync", "now", data_dir=pc2)
    assert offline.returncode == 1 and "Không kết nối được máy chủ" in offline.stderr
    assert "Traceback" not in offline.stderr
    worker = open_sync(pc1, interval=30.0, backoff_initial=0.1, backoff_max=0.5)
    worker.start()  # in the background, while the server is down: it backs off and tries again
    try:
        deadline = time.monotonic() + 10
        while worker.store.state().last_error != "sync.offline":
            assert time.monotonic() < deadline, "the worker never tried while offline"
            time.sleep(0.05)
        tries_offline = worker.rounds
        assert worker.store.state().offline_since is not None
        server.start()  # the reconnect: the worker's backoff finds it, no one asks
        deadline = time.monotonic() + 15
        while worker.store.state().waiting or not worker.store.state().online:  # pushed, then pulled
            assert time.monotonic() < deadline, "the worker did not sync after the server came back"
            time.sleep(0.05)
        assert worker.rounds > tries_offline
        assert worker.store.state().online and worker.store.state().offline_since is None
    finally:
        worker.stop()
    again = counter("sync", "now", data_dir=pc2)
    assert again.returncode == 0, again.stderr

    local = outbox(pc1) + outbox(pc2)
    assert all(row[3] is not None for row in local)  # every op marked pushed
    on_server = server.op_log()
    assert sorted(r[0] for r in on_server) == sorted(r[0] for r in local)  # every op exactly once
    assert len({r[0] for r in on_server}) == len(on_server)
    for pc in (pc1, pc2):
        device = outbox(pc)[0][1]
        seqs = sorted(r[2] for r in on_server if r[1] == device)
        assert seqs == list(range(1, len(seqs) + 1))


def test_a_response_lost_after_the_server_committed_is_retried_and_answered_duplicate(
        tmp_path: Path, server: Server, server_dir: Path) -> None:
    pc = new_pc(tmp_path, "pc", 4, server, server_dir)
    work(pc, 2)
    proxy = DroppingProxy(server.port)
    try:
        with sqlite3.connect(pc / "counter.sqlite3") as db:
            db.execute("UPDATE sync_link SET server_url = ?", (proxy.url,))
        worker = open_sync(pc)
        proxy.drops = 1
        with pytest.raises(SyncFault) as lost:
            worker.sync_now()
        assert lost.value.transient and proxy.dropped == 1
        assert worker.store.state().waiting == 4  # not marked: the answer never came
        device = outbox(pc)[0][1]
        assert len([r for r in server.op_log() if r[1] == device]) == 4  # …but the server has them
        report = worker.sync_now()
        assert (report.applied, report.duplicates) == (0, 4)
        assert worker.store.state().waiting == 0
        mine = [r for r in server.op_log() if r[1] == device]
        assert len(mine) == 4 and len({r[0] for r in mine}) == 4
    finally:
        proxy.close()


def test_a_revoked_pc_says_so_in_words_and_loses_nothing(tmp_path: Path, server: Server, server_dir: Path) -> None:
    pc = new_pc(tmp_path, "pc", 5, server, server_dir)
    work(pc, 1)
    before = outbox(pc)
    device = before[0][1]
    assert counter("server", "revoke", device, data_dir=server_dir).returncode == 0
    refused = counter("sync", "now", data_dir=pc)
    assert refused.returncode == 1 and "đã bị thu hồi" in refused.stderr and "Traceback" not in refused.stderr
    status = counter("sync", "status", data_dir=pc)
    assert status.returncode == 0 and "đã bị thu hồi" in status.stdout and "Số thay đổi chờ gửi: 2" in status.stdout
    assert outbox(pc) == before  # nothing lost, nothing marked
    assert not [r for r in server.op_log() if r[1] == device]


def test_a_local_write_nudges_the_started_worker_to_push_at_once_and_the_status_shows_it(
        tmp_path: Path, server: Server, server_dir: Path) -> None:
    from counter_app.services import pc_status

    pc = new_pc(tmp_path, "pc", 6, server, server_dir)
    services = open_services(pc, start_sync=True)  # as the windows do on an enrolled PC
    services.sync.interval = 300.0  # no timed round within the test: only the nudge can push
    try:
        deadline = time.monotonic() + 10
        while services.sync.rounds < 1 or services.sync._round_lock.locked():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        rounds = services.sync.rounds
        staff = services.demo_session()[0]
        services.open_counter(staff, services.counters(CENTRE)[0].id)  # a commit on the app's thread
        device = outbox(pc)[0][1]
        deadline = time.monotonic() + 10
        while not [r for r in server.op_log() if r[1] == device]:
            assert time.monotonic() < deadline, "the write did not reach the server"
            time.sleep(0.05)
        assert services.sync.rounds == rounds + 1
        item = [i for i in pc_status.pc_status(services) if i.key == pc_status.SYNC][0]
        assert item.state == pc_status.OK
    finally:
        services.sync.stop()


def test_a_gap_answer_sends_again_from_the_seq_the_server_expects(
        tmp_path: Path, server: Server, server_dir: Path) -> None:
    pc = new_pc(tmp_path, "pc", 7, server, server_dir)
    work(pc, 2)
    with sqlite3.connect(pc / "counter.sqlite3") as db:  # seq 1 and 2 marked pushed, never sent
        db.execute("UPDATE outbox SET pushed_at = '2026-12-05T00:00:00.000000+00:00' WHERE device_seq <= 2")
    worker = open_sync(pc)
    report = worker.sync_now()
    assert report.applied == 4 and worker.store.state().waiting == 0
    device = outbox(pc)[0][1]
    assert sorted(r[2] for r in server.op_log() if r[1] == device) == [1, 2, 3, 4]


def test_an_op_the_server_rejects_is_kept_there_marked_here_and_named_in_the_status(
        tmp_path: Path, server: Server, server_dir: Path) -> None:
    pc = new_pc(tmp_path, "pc", 8, server, server_dir)
    work(pc, 1)
    with sqlite3.connect(pc / "counter.sqlite3") as db:  # an op of another centre: the server refuses it
        db.execute("UPDATE outbox SET payload = json_set(payload, '$.centre_id', 'c-khac') WHERE device_seq = 1")
    done = counter("sync", "now", data_dir=pc)
    assert done.returncode == 0, done.stderr
    assert "1 bị từ chối" in done.stdout and "1 được áp dụng" in done.stdout
    assert "Thay đổi máy chủ giữ lại để xem xét: 1" in done.stdout and "other_centre" in done.stdout
    assert all(row[3] is not None for row in outbox(pc))  # on the server (for review), not sent again
    review = counter("server", "rejects", data_dir=server_dir)
    assert outbox(pc)[0][0] in review.stdout
    with sqlite3.connect(pc / "counter.sqlite3") as db:
        token = db.execute("SELECT token FROM sync_link").fetchone()[0]
    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (pc / "logs").glob("*.log*"))
    assert "enrolled as device" in logs and token not in logs  # the token is never logged
