"""README.md stays true: its command-line examples run as written in a checkout after `make run`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def _block_after(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match is not None, f"no sh block under {heading}"
    return match.group(1)


def _make_run_line(name: str) -> str:
    """The Makefile's own recipe line for `make run` that creates the demo store."""
    line = next(x for x in (ROOT / "Makefile").read_text().splitlines() if "init --demo" in x and "test -f" in x)
    return line.strip().replace("$(DATA_DIR)", ".demo-data").replace("$(BIN)", ".venv/bin")


def _checkout_after_make_run(tmp_path: Path) -> Path:
    """A folder laid out like the checkout after `make run`: .venv/bin tools and the demo store."""
    checkout = tmp_path / "checkout"
    (checkout / ".venv" / "bin").mkdir(parents=True)
    for tool, module in (("counter", "counter_app.cli"), ("counter-app", "counter_app.ui.app")):
        shim = checkout / ".venv" / "bin" / tool
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {module} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(["sh", "-c", _make_run_line("init")], cwd=checkout, env=env, check=True, capture_output=True)
    assert (checkout / ".demo-data" / "counter.sqlite3").is_file()
    return checkout


def test_the_command_line_examples_run_as_written(tmp_path: Path) -> None:
    checkout = _checkout_after_make_run(tmp_path)
    script = "set -euo pipefail\n" + _block_after("## Command line")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("COUNTER_DATA_DIR", None)

    done = subprocess.run(
        ["bash", "-c", script], cwd=checkout, env=env, capture_output=True, text=True, timeout=300
    )

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (checkout / "receipt.pdf").read_bytes().startswith(b"%PDF")
    assert (checkout / "book.pdf").read_bytes().startswith(b"%PDF")
    assert "Traceback" not in done.stderr


def test_the_readme_links_only_to_files_inside_the_repository() -> None:
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)", text)
    assert links, "the README links to the architecture page"
    for link in links:
        assert not link.startswith(("http://", "https://", "/")), link
        target = (ROOT / link).resolve()
        assert target.is_relative_to(ROOT) and target.exists(), link
    assert "../shared" not in text
