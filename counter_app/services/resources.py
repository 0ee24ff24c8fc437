"""Where the bundled resources (fonts, demo data, translations, voice clips) live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_BESIDE_PACKAGE = Path(__file__).resolve().parents[2] / "resources"  # resolved once, not per call


def resources_root() -> Path:
    """``resources/`` beside the package, or inside a PyInstaller bundle, or $COUNTER_RESOURCES."""
    override = os.environ.get("COUNTER_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return _BESIDE_PACKAGE


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)
