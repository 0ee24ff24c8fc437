"""End to end: the `counter` commands and a real `counter serve` (uvicorn) process on 127.0.0.1, embedded SQLite."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from counter_app.server.sync import supported_schema_versions

pytestmark = pytest.mark.xdist_group("server")
CENTRE = "c-tinh"


def counter(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "counter_app.cli", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120, env=env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("server-data")
    done = counter("server", "init", "--demo", data_dir=folder)
    assert done.returncode == 0, done.stderr
    assert "server.sqlite3" in done.stdout
    return folder


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "counter_app.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() - started < 20, "counter serve did not answer within 20 s"
            time.sleep(0.05)
        print(f"counter serve: first answer after {time.monotonic() - started:.2f} s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_pc_enrols_pushes_pulls_and_is_revoked_through_a_real_server(server: str, data_dir: Path) -> None:
    made = counter("server", "enrol-code", "--centre", CENTRE, "--slot", "2", data_dir=data_dir)
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().splitlines()[-1]
    device_id = str(uuid.uuid4())
    with httpx.Client(base_url=server, timeout=10) as http:
        enrolled = http.post("/api/v1/enrol", json={"code": code, "device_id": device_id, "name": "PC 2"})
        assert enrolled.status_code == 200, enrolled.text
        auth = {"Authorization": f"Bearer {enrolled.json()['token']}"}
        assert enrolled.json()["slot"] == 2
        created = {"code": "STP-261201-0002", "centre_id": CENTRE, "applicant_name": "Trần Thị Bình",
                   "status": "received", "appointment": None}
        ops = [
            {"op_id": str(uuid.uuid4()), "device_id": device_id, "device_seq": 1, "entity": "dossier",
             "entity_id": str(uuid.uuid4()), "op": "created", "payload": json.dumps(created),
             "schema_version": max(supported_schema_versions()), "hlc": f"1800000000000.00000.{device_id}"},
            {"op_id": str(uuid.uuid4()), "device_id": device_id, "device_seq": 2, "entity": "queue_ticket",
             "entity_id": "t-1", "op": "issued", "payload": "{}", "schema_version": "0000-unknown",
             "hlc": f"1800000000001.00000.{device_id}"},
        ]
        pushed = http.post("/api/v1/push", headers=auth, json={"batch_id": "b1", "ops": ops})
        assert [r["status"] for r in pushed.json()["results"]] == ["applied", "rejected"]
        again = http.post("/api/v1/push", headers=auth, json={"batch_id": "b2", "ops": ops})
        assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
        pulled = http.get("/api/v1/pull", headers=auth, params={"limit": 1000})
        assert pulled.status_code == 200 and pulled.json()["changes"] and pulled.json()["cursor"]
        page = http.get("/tra-cuu", params={"ma": "STP-261201-0002"})
        assert page.status_code == 200 and "T*** T** B***" in page.text and "Bình" not in page.text
        assert "/api/v1/push" in http.get("/openapi.json").json()["paths"]

        review = counter("server", "rejects", data_dir=data_dir)
        assert review.returncode == 0 and ops[1]["op_id"] in review.stdout and "schema_version" in review.stdout

        revoked = counter("server", "revoke", device_id, data_dir=data_dir)
        assert revoked.returncode == 0, revoked.stderr
        refused = http.post("/api/v1/push", headers=auth, json={"batch_id": "b3", "ops": ops})
        assert refused.status_code == 401 and refused.json()["error"] == "server.device_revoked"


def test_server_commands_refuse_bad_arguments_in_words(data_dir: Path) -> None:
    unknown = counter("server", "enrol-code", "--centre", "no-such-centre", data_dir=data_dir)
    assert unknown.returncode == 1 and "no-such-centre" in unknown.stderr and "Traceback" not in unknown.stderr
    assert "Máy chủ không có trung tâm" in unknown.stderr
    bad_slot = counter("server", "enrol-code", "--centre", CENTRE, "--slot", "10", data_dir=data_dir)
    assert bad_slot.returncode == 2
    bad_url = counter("server", "db", "check", "--database", "mysql://x/y", data_dir=data_dir)
    assert bad_url.returncode == 2 and "postgresql+psycopg" in bad_url.stderr
    check = counter("server", "db", "check", data_dir=data_dir)
    assert check.returncode == 0 and "s0001" in check.stdout
    again = counter("server", "init", "--demo", data_dir=data_dir)
    assert again.returncode == 0 and "không ghi đè" in again.stdout
