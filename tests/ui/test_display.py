"""Hall display: every call repaints at once and is said once; calls from other PCs arrive by polling."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from counter_app.services.queue_port import CallView
from counter_app.ui import app
from counter_app.ui import display as display_module
from counter_app.ui.display import HallDisplayWindow
from counter_app.ui.queue_common import station_of
from counter_app.ui.queue_panel import QueuePanel
from counter_app.ui.station_roles import display_window
from tests.fakes import FakeCounterAppServices
from tests.fakes_queue import QueueStand, queue_stand, with_queue


@pytest.fixture(params=["fake", "real"])
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    return queue_stand(request, tmp_path)


def make_display(qtbot: QtBot, stand: QueueStand, *, poll: bool = False) -> HallDisplayWindow:
    display = HallDisplayWindow(
        stand.queue, stand.station, stand.counters, announcer=stand.announcer, now=stand.now,
        events=stand.events, poll=poll,
    )
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    return display


def test_a_call_at_a_counter_shows_and_is_said(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    assert display.hero_text() == ("—", "Xin vui lòng chờ đến lượt")
    assert display.no_calls_label.isVisibleTo(display)
    [ticket] = stand.issue()
    panel = QueuePanel(stand.queue, stand.session, stand.counter, events=stand.events)
    qtbot.addWidget(panel)

    with qtbot.waitSignal(display.sig_call_shown):
        panel.call_next()

    n = stand.counter.number
    assert display.hero_text() == (ticket.number, f"đến quầy số {n}")
    assert display.led_panel.number_at(n) == ticket.number
    assert display.last_calls_text() == [f"{ticket.number}  →  quầy {n}"]
    assert not display.no_calls_label.isVisibleTo(display)
    assert stand.announcer.calls == [(ticket.number, n, False)]


def test_a_recall_is_said_again_and_the_newest_is_highlighted(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    first, second = stand.issue(2)
    staff = stand.session.staff_id
    other = stand.other_counter()
    for counter in (stand.counter, other):
        called = stand.queue.call_next(counter.id, staff)
        assert called is not None
        stand.events.sig_called.emit(CallView(called.number, counter.number, called.called_at))
        stand.advance(timedelta(seconds=30))
    recall = stand.queue.recall(stand.counter.id, staff)
    stand.events.sig_called.emit(recall)

    assert display.hero_text() == (first.number, f"đến quầy số {stand.counter.number}")
    assert display.led_panel.number_at(other.number) == second.number
    assert stand.announcer.calls == [
        (first.number, stand.counter.number, False),
        (second.number, other.number, False),
        (first.number, stand.counter.number, True),
    ]
    assert display.call_labels[0].property("tone") == "ok"
    assert display.call_labels[1].property("tone") == ""


def test_the_same_call_heard_twice_is_shown_and_said_once(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    stand.issue()
    called = stand.queue.call_next(stand.counter.id, stand.session.staff_id)
    assert called is not None and called.called_at is not None
    call = CallView(called.number, stand.counter.number, called.called_at)

    assert display.show_call(call)
    assert not display.show_call(CallView(call.ticket_number, call.counter_number, call.at + timedelta(seconds=1)))
    assert len(stand.announcer.calls) == 1


def test_calls_from_another_pc_arrive_by_polling_and_old_ones_are_not_said(
    qtbot: QtBot, stand: QueueStand
) -> None:
    staff = stand.session.staff_id
    old, new = stand.issue(2)
    assert stand.queue.call_next(stand.counter.id, staff) is not None  # before the display started
    display = make_display(qtbot, stand, poll=True)
    qtbot.waitUntil(lambda: display.hero_text()[0] == old.number)
    assert stand.announcer.calls == []

    stand.advance(timedelta(minutes=1))
    other = stand.other_counter()
    assert stand.queue.call_next(other.id, staff) is not None  # no signal: another process did it

    qtbot.waitUntil(lambda: display.hero_text()[0] == new.number, timeout=5000)
    assert stand.announcer.calls == [(new.number, other.number, False)]


def test_waiting_counts_per_line(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand, poll=True)
    before = {line.name: line.waiting for line in stand.lines()}
    stand.issue(3, line_index=0)
    line = stand.lines()[0]

    stand.events.sig_changed.emit()

    qtbot.waitUntil(lambda: display.waiting_text().get(f"{line.code} · {line.name}") == str(before[line.name] + 3))


def test_a_voice_that_fails_does_not_stop_the_screen(qtbot: QtBot, stand: QueueStand) -> None:
    class BrokenVoice:
        def announce(self, ticket_number: str, counter_number: int) -> None:
            raise ValueError("cannot read")

        def recall(self, ticket_number: str, counter_number: int) -> None:
            raise ValueError("cannot read")

    display = HallDisplayWindow(
        stand.queue, stand.station, stand.counters, announcer=BrokenVoice(), now=stand.now,
        events=stand.events, poll=False,
    )
    qtbot.addWidget(display)
    at = stand.now()
    assert display.show_call(CallView("Ư001", stand.counter.number, at))
    assert display.hero_text()[0] == "Ư001"


def test_the_notice_scrolls(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    assert display.notice.text().startswith("Xin giữ vé")
    start = display.notice.position()
    assert 0 < start < 100  # readable from the first frame, not waiting off screen
    qtbot.waitUntil(lambda: display.notice.position() < start)


# -- counter-app --role … --screenshot ------------------------------------------------------------


def _distinct_colours(path: Path) -> int:
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    assert colours is not None
    return len(colours)


@pytest.fixture
def queue_services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeCounterAppServices:
    services = with_queue(FakeCounterAppServices(tmp_path / "data"))
    queue = services.queue
    for i, line in enumerate(queue.lines("c-ht")):
        queue.issue_ticket(line.id, request_key=f"screenshot-{i}")
    queue.call_next("k1", "s1")
    monkeypatch.setattr(app, "open_store", lambda _options: services)
    monkeypatch.setattr(app, "install_error_hooks", lambda **_kwargs: None)
    return services


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("role", ["kiosk", "display", "rating"])
@pytest.mark.parametrize("size", ["1920x1080", "1024x600"])
def test_screenshot_of_each_station_role(
    tmp_path: Path, queue_services: FakeCounterAppServices, role: str, size: str
) -> None:
    out = tmp_path / f"{role}.png"

    code = app.main(["--role", role, "--screenshot", str(out), "--size", size])

    assert code == 0
    with Image.open(out) as image:
        assert image.size == tuple(int(n) for n in size.split("x"))
    assert _distinct_colours(out) > 30
    assert queue_services.queue.waiting_total() == 4  # looking did not issue or call anything


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("role", ["kiosk", "display", "rating"])
def test_screenshot_without_a_queue_still_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    services = FakeCounterAppServices(tmp_path / "data")
    monkeypatch.setattr(app, "open_store", lambda _options: services)
    monkeypatch.setattr(app, "install_error_hooks", lambda **_kwargs: None)
    out = tmp_path / f"{role}.png"

    assert app.main(["--role", role, "--screenshot", str(out), "--size", "800x600"]) == 0
    assert _distinct_colours(out) > 10


def test_station_roles_take_a_screen_and_a_counter() -> None:
    args = app.build_parser().parse_args(["--role", "rating", "--counter", "3", "--screen", "2"])
    assert (args.role, args.counter, args.screen) == ("rating", 3, 2)
    assert {"kiosk", "display", "rating"} <= set(app.ROLES)


def test_the_bus_follows_the_queue_s_own_reports(qtbot: QtBot, stand: QueueStand) -> None:
    """A call made by anyone in this process (or pushed by the hub) reaches the display without polling."""
    assert stand.events.follow(stand.queue)
    display = make_display(qtbot, stand)
    [ticket] = stand.issue()

    with qtbot.waitSignal(display.sig_call_shown):
        stand.queue.call_next(stand.counter.id, stand.session.staff_id)  # no panel, no signal of ours

    assert display.hero_text()[0] == ticket.number
    assert stand.announcer.calls == [(ticket.number, stand.counter.number, False)]
    stand.events.unfollow_all()


# -- the call must be readable in every frame of its flash (issue 7, item 3) -----------------------


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _pil(image: QImage) -> Image.Image:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits()), "raw", "RGB",
                            rgb.bytesPerLine(), 1)


def painted_contrast(frame: Image.Image, window: QWidget, label: QLabel) -> float:
    """Contrast of the text as painted: the most common colour of the label's area is the background
    behind the text; the most common other colour is the text's own (glyph insides are solid; the
    anti-aliased edges spread over many colours). Text painted in the background's colour: 1.0."""
    top_left = label.mapTo(window, QPoint(0, 0))
    ratio = frame.width / window.width()  # a device pixel ratio other than 1
    box = QRect(top_left, label.size())
    area = frame.crop((round(box.left() * ratio), round(box.top() * ratio),
                       round((box.right() + 1) * ratio), round((box.bottom() + 1) * ratio)))
    colours = Counter(dict((colour, n) for n, colour in area.getcolors(maxcolors=1 << 24)))
    (background, _n), *others = colours.most_common()
    if not others:
        return 1.0
    text = others[0][0]
    return contrast_ratio(background, text)


def test_the_called_number_and_counter_are_readable_in_every_frame_of_the_flash(
    qtbot: QtBot, stand: QueueStand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(display_module, "BLINK_MS", 40)  # the same frames, faster
    display = make_display(qtbot, stand)
    labels = {"invite": display.hero_invite_label, "number": display.hero_number_label,
              "counter": display.hero_counter_label}
    frames: list[tuple[str, dict[str, float]]] = []

    def grab_frame() -> None:
        frame = _pil(display.hero.grab().toImage())  # the call's panel as painted now, labels included
        frames.append((str(display.hero.property("tone") or ""),
                       {name: painted_contrast(frame, display.hero, label) for name, label in labels.items()}))

    display._blink_timer.timeout.connect(grab_frame)  # after the display's own step: each frame as shown
    display.show_call(CallView("C002", 3, stand.now()))
    grab_frame()  # the moment of the call
    qtbot.waitUntil(lambda: len(frames) == display_module.BLINK_TIMES + 1, timeout=60_000)
    grab_frame()  # the call stays on screen after the flash
    assert display.hero_text() == ("C002", "đến quầy số 3")
    assert display.hero_invite_label.text() == "Xin mời công dân có số"

    assert {tone for tone, _c in frames} == {"ok", ""}  # both looks of the flash were seen
    unreadable = [(i, tone, name, round(c, 2)) for i, (tone, contrasts) in enumerate(frames)
                  for name, c in contrasts.items() if c < 4.5]
    assert unreadable == []


# -- the administrator sees when the voice cannot be heard ------------------------------------------


@pytest.mark.usefixtures("vi")
def test_a_pc_without_an_audio_player_shows_a_warning_for_the_admin(
    qtbot: QtBot, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real voice (as bootstrap wires it) on a PC where no player program can be found."""
    monkeypatch.setenv("PATH", "")
    services = request.getfixturevalue("services")
    display = _real_display(qtbot, services)
    assert display.voice_warning() == (
        "Không phát được tiếng gọi số: máy này chưa cài chương trình phát âm thanh "
        "(cần cài một trong: aplay, paplay, pw-play, ffplay)."
    )
    assert display.voice_warning_label.isVisible()
    assert display.show_call(CallView("A001", 1, services.clock.now()))  # the screen still calls
    assert display.hero_text()[0] == "A001"


@pytest.mark.usefixtures("vi")
def test_a_player_that_cannot_reach_the_speakers_shows_a_warning_for_the_admin(
    qtbot: QtBot, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """aplay is installed but the PC has no sound card: it fails the way aplay does, and the hall says so."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    aplay = bin_dir / "aplay"
    aplay.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "sys.stderr.write('ALSA lib confmisc.c:855:(parse_card) cannot find card \"0\"\\n')\n"
        "sys.stderr.write('aplay: main:831: audio open error: No such file or directory\\n')\n"
        "sys.exit(1)\n"
    )
    aplay.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    services = request.getfixturevalue("services")
    display = _real_display(qtbot, services)
    assert display.voice_warning() == ""  # a player is there: nothing to say yet

    display.show_call(CallView("A001", 1, services.clock.now()))
    assert services.announcer.wait_idle(10)

    qtbot.waitUntil(lambda: display.voice_warning() != "", timeout=3000)
    assert display.voice_warning() == (
        "Không phát được tiếng gọi số: chương trình phát âm thanh báo lỗi (aplay: exit 1: aplay: main:831: "
        "audio open error: No such file or directory). Hãy kiểm tra loa đã được cắm và đầu ra âm thanh đang bật."
    )


def _real_display(qtbot: QtBot, services: object) -> HallDisplayWindow:
    """The hall display as ``counter-app --role display`` builds it over the store, with its real voice."""
    station = station_of(services)
    display = display_window(services, station, services.counters(station.centre_id), poll=False)  # type: ignore[attr-defined]
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    return display
