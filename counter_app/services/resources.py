"""Where the bundled files live: resources (fonts, demo data, styles, translations, voice clips) and migrations.

The repository keeps them in its top-level ``resources/`` and ``migrations/`` folders. A wheel (or
``pip install .``) ships the same folders as package data, ``counter_app/resources`` and
``counter_app/migrations`` (pyproject's ``[tool.setuptools.package-dir]`` maps them there), found
through ``importlib.resources``. A checkout or an editable install uses the top-level folders. A
PyInstaller bundle unpacks them under ``sys._MEIPASS``; ``$COUNTER_RESOURCES`` names another
resources folder (tests, a site's own fonts).
"""

from __future__ import annotations

import functools
import os
import sys
from importlib.resources import files
from pathlib import Path

PACKAGE = "counter_app"
RESOURCES = "resources"
MIGRATIONS = "migrations"
_CHECKOUT = Path(__file__).resolve().parents[2]  # the repository root when run from a checkout


def installed_or_checkout(name: str, package_dir: Path, checkout: Path) -> Path:
    """``<package_dir>/<name>`` when the package carries it (installed), else ``<checkout>/<name>``."""
    packaged = package_dir / name
    return packaged if packaged.is_dir() else checkout / name


@functools.cache
def _shipped_dir(name: str) -> Path:  # looked up once per process, not per font or clip
    package = files(PACKAGE)
    if not isinstance(package, Path):  # a zipped install would need extraction; none is built
        return _CHECKOUT / name
    return installed_or_checkout(name, package, _CHECKOUT)


def bundled_dir(name: str) -> Path:
    """The folder ``name`` (``resources`` or ``migrations``) of this installation."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / name
    return _shipped_dir(name)


def resources_root() -> Path:
    """$COUNTER_RESOURCES, else the resources of this installation (bundle, package data or checkout)."""
    override = os.environ.get("COUNTER_RESOURCES")
    if override:
        return Path(override)
    return bundled_dir(RESOURCES)


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


def migrations_root() -> Path:
    """The Alembic script folder of this installation (bundle, package data or checkout)."""
    return bundled_dir(MIGRATIONS)
