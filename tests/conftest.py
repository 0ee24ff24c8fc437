"""Shared fixtures: a real demo store on disk (made once, copied per test) and services over it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if "COUNTER_CONFIG_DIR" not in os.environ:  # tests never read or write the user's real settings
    import tempfile

    os.environ["COUNTER_CONFIG_DIR"] = tempfile.mkdtemp(prefix="counter-config-")

from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from counter_app.bootstrap import VIETNAM_TIME  # noqa: E402
from counter_app.services import i18n  # noqa: E402
from counter_app.services.i18n import set_language  # noqa: E402
from counter_app.services.resources import resource_path  # noqa: E402


class FakeClock:
    """A Clock whose time the test sets; aware, in Vietnam time, like SystemClock."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME)  # a Monday morning

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, **kwargs: float) -> None:
        self._now += timedelta(**kwargs)


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from default settings in a folder of its own."""
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))


@pytest.fixture(autouse=True)
def _vietnamese() -> Iterator[None]:
    set_language("vi")
    yield
    set_language("vi")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def demo_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store per test session; tests get copies, never this one."""
    from counter_app.bootstrap import init_store

    data_dir = tmp_path_factory.mktemp("demo-template")
    init_store(data_dir, demo=True, clock=FakeClock(), demo_dossiers=0)  # dossier tests start empty
    return data_dir


@pytest.fixture
def demo_data_dir(demo_store_template: Path, tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for f in demo_store_template.glob("counter.sqlite3*"):
        shutil.copy2(f, data_dir / f.name)
    return data_dir


@pytest.fixture
def services(demo_data_dir: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    from counter_app.bootstrap import open_services

    return open_services(demo_data_dir, clock=clock)


# -- the Vietnamese catalog compiled from the .po under test (independent of the build's .mo) --


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Vietnamese catalog compiled from the .po under test (independent of the build's .mo)."""
    source = resource_path("translations", "vi", "LC_MESSAGES", "counter_app.po")
    root = tmp_path_factory.mktemp("locale")
    target = root / "vi" / "LC_MESSAGES" / "counter_app.mo"
    target.parent.mkdir(parents=True)
    with source.open("rb") as f:
        catalog = read_po(f, locale="vi")
    with target.open("wb") as f:
        write_mo(f, catalog)
    return root


def _use(language: str, locale_root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(i18n, "locale_dir", lambda: locale_root)
    previous = i18n.current_language()
    assert i18n.set_language(language) == language
    yield
    i18n.set_language(previous)


@pytest.fixture
def vi(compiled_locale: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _use("vi", compiled_locale, monkeypatch)


@pytest.fixture
def en(compiled_locale: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _use("en", compiled_locale, monkeypatch)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server for the tests: COUNTER_TEST_POSTGRES_URL, or one pgserver started once per
    test process (the server and the reports tests share it)."""
    from sqlalchemy.engine import make_url

    named = os.environ.get("COUNTER_TEST_POSTGRES_URL")
    if named:
        yield named
        return
    try:
        import pgserver
    except ImportError:
        pytest.skip("pgserver is not installed (pip install -e '.[dev]'), and COUNTER_TEST_POSTGRES_URL is not set")
    # its own folder under /tmp: as root, pgserver opens every parent folder of its data to its user
    folder = tempfile.mkdtemp(prefix="counter-pg-")
    os.chmod(folder, 0o755)
    try:
        server = pgserver.get_server(folder, cleanup_mode="stop")
    except Exception as exc:  # noqa: BLE001 — any failure to start is the skip reason, said whole
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"the bundled PostgreSQL (pgserver) did not start here: {type(exc).__name__}: {exc}")
    url = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    yield url.render_as_string(hide_password=False)
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)
