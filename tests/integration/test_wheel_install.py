"""A wheel built from the checkout carries its resources and migrations and works in a fresh venv.

The wheel is built from a copy of the working tree (the .mo compiled there, as `make` does), installed
with ``--no-deps`` into a new venv that borrows the dev venv's third-party packages through a .pth
file (nothing is downloaded), and then used only as an installed package: the checkout's editable
``counter_app`` is not importable there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

ROOT = Path(__file__).resolve().parents[2]
PO = Path("resources/translations/vi/LC_MESSAGES/counter_app.po")
# what the build needs from the working tree; caches, venvs and the build's own leftovers stay out
_NOT_BUILT = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".demo-data", ".*_cache",
    ".hypothesis", "*.mo", "*.sqlite3*", "*.png", "tests", "benchmarks", "docs",
)


def _run(args: list[str | Path], cwd: Path, timeout: float = 120, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COUNTER_RESOURCES")}
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
        timeout=timeout, env={**clean, "PYTHONIOENCODING": "utf-8", **env},
    )
    assert result.returncode == 0, f"{args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


def _compile_catalog(source: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (source / PO).open("rb") as po:
        catalog = read_po(po)
    with (source / PO.with_suffix(".mo")).open("wb") as mo:
        write_mo(mo, catalog)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_BUILT)
    _compile_catalog(source)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", work / "dist", source], cwd=work)
    (built,) = (work / "dist").glob("counter_app-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    env = home / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", env], cwd=home)
    python = env / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=home).strip())
    # third-party packages from the dev venv; its editable counter_app hook (a .pth there) is not run
    (site / "dev_packages.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
          "--ignore-installed", "--no-index", wheel], cwd=home)
    return env


@pytest.fixture(scope="module")
def demo_store(venv: Path) -> Path:
    """The sample province (packaged demo data, migrations) with a few dossiers (the CLI's 300 take long)."""
    data = venv.parent / "data"
    _run([venv / "bin" / "python", "-c", f"""
from pathlib import Path
from counter_app.bootstrap import init_store
assert init_store(Path({str(data)!r}), demo=True, demo_dossiers=5).seeded
"""], cwd=venv.parent)
    return data


def test_the_wheel_carries_every_subpackage_the_resources_and_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    packages = {p.relative_to(ROOT).as_posix() for p in (ROOT / "counter_app").rglob("__init__.py")}
    assert packages and packages <= names, packages - names
    resources = {
        "counter_app/" + p.relative_to(ROOT).as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc", ".mo")
    }
    assert resources and resources <= names, resources - names
    assert "counter_app/resources/translations/vi/LC_MESSAGES/counter_app.mo" in names
    migrations = {
        "counter_app/" + p.relative_to(ROOT).as_posix()
        for p in [ROOT / "migrations" / "env.py", *(ROOT / "migrations" / "versions").glob("*.py")]
    }
    assert len(migrations) > 10 and migrations <= names, migrations - names
    assert not any(n.startswith(("resources/", "migrations/", "tests/")) for n in names)


def test_the_installed_package_is_the_wheel_and_finds_its_files_inside_it(venv: Path) -> None:
    out = _run([venv / "bin" / "python", "-c", """
import counter_app
from counter_app.services import i18n
from counter_app.services.resources import resource_path
from counter_app.storage.store import migrations_dir
print(counter_app.__file__)
print(resource_path("fonts", "DejaVuSans.ttf"))
print(migrations_dir())
print(i18n.set_language("vi"))
print(i18n._("create the data store"))
"""], cwd=venv.parent)

    package_file, font, migrations, language, words = out.splitlines()
    package = Path(package_file).parent
    assert package.is_relative_to(venv) and not package.is_relative_to(ROOT)
    assert Path(font) == package / "resources" / "fonts" / "DejaVuSans.ttf" and Path(font).is_file()
    assert Path(migrations) == package / "migrations" and (package / "migrations" / "env.py").is_file()
    assert (language, words) == ("vi", "tạo kho dữ liệu")


def test_the_installed_cli_renders_a_receipt_in_vietnamese(venv: Path, demo_store: Path) -> None:
    from pypdf import PdfReader

    counter = venv / "bin" / "counter"
    with closing(sqlite3.connect(demo_store / "counter.sqlite3")) as db:
        (code,) = db.execute("SELECT code FROM dossiers ORDER BY code LIMIT 1").fetchone()
    shown = _run([counter, "dossier", "show", code, "--data-dir", demo_store], cwd=venv.parent)
    assert "Trạng thái:" in shown and "Status:" not in shown, shown  # the wheel's Vietnamese catalog
    pdf = venv.parent / "receipt.pdf"

    _run([counter, "render", "receipt", code, "--format", "pdf", "--out", pdf, "--data-dir", demo_store],
         cwd=venv.parent)

    reader = PdfReader(pdf)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert code in text and "Thời hạn giải quyết" in text
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].get_object().values()
             if "/BaseFont" in f.get_object()}
    assert any("DejaVuSans" in f for f in fonts), fonts  # the packaged font, not a built-in one


def test_the_installed_app_takes_a_screenshot(venv: Path, demo_store: Path) -> None:
    from PIL import Image

    png = venv.parent / "counter.png"

    _run([venv / "bin" / "counter-app", "--data-dir", demo_store, "--screenshot", png, "--size", "800x600"],
         cwd=venv.parent, QT_QPA_PLATFORM="offscreen")

    with Image.open(png) as image:
        assert image.size == (800, 600)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # a drawn window, not a blank frame
