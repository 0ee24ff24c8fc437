"""This PC's settings: one typed object with a schema version, kept as JSON in the config dir."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Settings:
    """What an administrator sets once per PC (the store holds everything else)."""

    schema_version: int = SCHEMA_VERSION
    centre_id: str | None = None  # the centre a kiosk, hall display or rating pad serves
    language: str = "vi"
    voice: bool = True  # hall display speaks call-outs
    chime: bool = True
    backup_dir: str | None = None  # daily backups go here (e.g. a USB disk); None: <data dir>/backups
    backup_keep: int = 14  # daily backups kept (the oldest beyond this are removed)
    # role name → {"uri", "profile", "protocol", "address"} (services/devices.py reads and checks them)
    devices: dict[str, Any] = field(default_factory=dict)
    # document kind → {"printer", "paper", "copies"}: how it prints on an office printer (services/device_admin.py)
    office_printing: dict[str, Any] = field(default_factory=dict)


def load_settings(path: Path) -> Settings:
    """The settings in ``path``; defaults when the file is missing, unreadable or from a newer version.

    A bad file is logged and left in place (never overwritten behind the administrator's back).
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        _log.error("settings file %s cannot be read (%s); using defaults", path, exc)
        return Settings()
    if not isinstance(raw, dict):
        _log.error("settings file %s is not an object; using defaults", path)
        return Settings()
    version = raw.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        _log.error("settings file %s has schema %r, newer than %d; using defaults", path, version, SCHEMA_VERSION)
        return Settings()
    known = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {k: v for k, v in raw.items() if k in known}
    settings = Settings()
    for key, value in values.items():
        default = getattr(settings, key)
        if default is None or isinstance(value, type(default)):
            settings = replace(settings, **{key: value})
        else:
            _log.error("settings file %s: %s=%r is not a %s; default kept", path, key, value, type(default).__name__)
    return replace(settings, schema_version=SCHEMA_VERSION)


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically (temp file + rename), so a power cut leaves the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as tmp:
        json.dump(asdict(settings), tmp, ensure_ascii=False, indent=2)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, path)
