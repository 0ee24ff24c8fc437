"""This PC's settings: typed, versioned, atomic; a bad file never stops the app or gets overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.bootstrap import open_services, settings_path
from counter_app.cli import main
from counter_app.domain.errors import DomainError
from counter_app.services.settings import SCHEMA_VERSION, Settings, load_settings, save_settings


def test_round_trip_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert load_settings(path) == Settings()
    save_settings(path, Settings(centre_id="c-x-loc-ha", chime=False))
    assert load_settings(path) == Settings(centre_id="c-x-loc-ha", chime=False)
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '{"schema_version": 99, "centre_id": "x"}', '{"voice": "yes"}'],
)
def test_bad_files_give_defaults_and_stay_untouched(tmp_path: Path, content: str, caplog) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "settings.json"
    path.write_text(content)
    settings = load_settings(path)
    assert settings.voice is True and settings.centre_id is None
    assert path.read_text() == content
    assert caplog.records


def test_station_defaults_to_the_first_centre_and_can_be_set(demo_data_dir: Path, clock, capsys) -> None:  # type: ignore[no-untyped-def]
    services = open_services(demo_data_dir, clock=clock)
    assert services.station().centre_id == "c-tinh"  # the first active account's centre
    with pytest.raises(DomainError, match="dossier.unknown_centre"):
        services.set_station_centre("nowhere")
    assert main(["station", "--centre", "c-x-cam-xuyen", "--data-dir", str(demo_data_dir)]) == 0
    assert "Máy này phục vụ: Trung tâm Phục vụ hành chính công xã Cẩm Xuyên (c-x-cam-xuyen)" in capsys.readouterr().out
    again = open_services(demo_data_dir, clock=clock)
    assert again.station().centre_id == "c-x-cam-xuyen"
    assert load_settings(settings_path()).centre_id == "c-x-cam-xuyen"
