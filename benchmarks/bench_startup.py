"""Start to a shown login window, beside a bare PySide6 window in the same run; import cost of heavy libraries."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QWidget
from PySide6.QtCore import QTimer
app = QApplication(sys.argv)
w = QWidget(); w.setWindowTitle("bare"); w.resize(400, 300); w.show()
def shown():
    print("SHOWN", time.time(), flush=True); app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""
HEAVY = ["PySide6.QtWidgets", "sqlalchemy.orm", "alembic.command", "reportlab.platypus", "holidays",
         "argon2", "segno", "barcode", "escpos.printer", "PIL.Image", "platformdirs"]


def _time_to_shown(cmd: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COUNTER_STARTUP_PROBE": "1"}
    start = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    for line in out.stdout.splitlines():
        if line.startswith("SHOWN "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no SHOWN marker from {cmd}: {out.stdout[-500:]} {out.stderr[-2000:]}")


def _import_cost(module: str) -> float:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, timeout=120
    )
    cumulative = [int(line.split("|")[1]) for line in out.stderr.splitlines() if line.startswith("import time:") and line.split("|")[1].strip().isdigit()]
    return max(cumulative) / 1e6 if cumulative else float("nan")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        subprocess.run([sys.executable, "-m", "counter_app.cli", "init", "--demo", "--data-dir", str(data_dir)],
                       check=True, capture_output=True, cwd=ROOT)
        app_cmd = [sys.executable, "-m", "counter_app.ui.app", "--data-dir", str(data_dir)]
        bare_cmd = [sys.executable, "-c", BARE]
        _time_to_shown(bare_cmd), _time_to_shown(app_cmd)  # warm the OS file cache
        bare, app = [], []
        for _ in range(RUNS):  # interleaved so both see the same machine state
            bare.append(_time_to_shown(bare_cmd))
            app.append(_time_to_shown(app_cmd))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"startup_bare_pyside6_window_s: median {b:.3f} (min {min(bare):.3f}, max {max(bare):.3f}) [floor]")
    print(f"startup_login_window_s: median {a:.3f} (min {min(app):.3f}, max {max(app):.3f})")
    ratio = a / b
    print(f"startup_ratio: {ratio:.2f}x (target <= 4x) {'PASS' if ratio <= 4 else 'FAIL'}")
    print("import cost, seconds (fresh interpreter, cumulative):")
    for module in HEAVY:
        print(f"  {module:22s} {_import_cost(module):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
