"""Where resources and migrations are looked up: package data when installed, the checkout's folders
otherwise, a PyInstaller bundle or $COUNTER_RESOURCES when given (the wheel itself: test_wheel_install.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from counter_app.services import resources
from counter_app.storage.store import migrations_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COUNTER_RESOURCES", raising=False)


def test_an_installed_package_uses_the_folder_it_carries(tmp_path: Path) -> None:
    package, checkout = tmp_path / "site" / "counter_app", tmp_path / "checkout"
    (package / "resources").mkdir(parents=True)
    (checkout / "resources").mkdir(parents=True)

    assert resources.installed_or_checkout("resources", package, checkout) == package / "resources"


def test_a_package_without_the_folder_uses_the_checkout(tmp_path: Path) -> None:
    package, checkout = tmp_path / "counter_app", tmp_path
    package.mkdir()
    (package / "migrations").write_text("a file of that name is not the folder")

    assert resources.installed_or_checkout("migrations", package, checkout) == checkout / "migrations"


def test_a_checkout_finds_its_top_level_resources_and_migrations() -> None:
    assert resources.resources_root() == ROOT / "resources"
    assert resources.resource_path("fonts", "DejaVuSans.ttf").is_file()
    assert migrations_dir() == ROOT / "migrations" and (migrations_dir() / "env.py").is_file()


def test_a_pyinstaller_bundle_and_counter_resources_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    assert resources.resources_root() == tmp_path / "bundle" / "resources"
    assert migrations_dir() == tmp_path / "bundle" / "migrations"

    monkeypatch.setenv("COUNTER_RESOURCES", str(tmp_path / "fonts-of-the-site"))
    assert resources.resource_path("fonts") == tmp_path / "fonts-of-the-site" / "fonts"
    assert migrations_dir() == tmp_path / "bundle" / "migrations"  # migrations are not resources
