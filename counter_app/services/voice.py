"""Voice call-outs of the queue: which clips say a call, where they are, and playing calls one by one."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from counter_app.domain.vietnamese_numbers import (
    LETTER_NAMES,
    NUMBER_WORDS,
    STANDARD,
    NumberStyle,
    letter_clip,
    read_number_in,
    read_ticket,
)
from counter_app.services.ports import ClipPlayer
from counter_app.services.resources import resource_path

log = logging.getLogger(__name__)

CLIP_SUFFIX = ".wav"
CHIME = "chime"
INVITE = "moi_cong_dan_co_so"
TO_COUNTER = "den_quay_so"

# Clip name → what it says (the chime is a two-tone "ding-dong", not speech).
PHRASES: dict[str, str] = {
    INVITE: "Mời công dân có số",
    TO_COUNTER: "đến quầy số",
}


def clip_texts() -> dict[str, str]:
    """Every spoken clip of the set, name → Vietnamese text (the chime is not spoken)."""
    texts = dict(PHRASES)
    texts.update(NUMBER_WORDS)
    texts.update({letter_clip(ch): name for ch, name in LETTER_NAMES.items()})
    return texts


def all_clip_names() -> list[str]:
    """Every clip a complete set holds: the chime, the phrases, the number words, the letters."""
    return [CHIME, *clip_texts()]


def bundled_clip_dir(language: str = "vi") -> Path:
    """The clips shipped with the app."""
    return resource_path("voice", language)


def default_clip_dirs(centre_dir: Path | None = None, language: str = "vi") -> list[Path]:
    """The centre's own recordings first (if any), then the bundled clips."""
    dirs = [centre_dir] if centre_dir is not None else []
    return [*dirs, bundled_clip_dir(language)]


def call_sequence(
    ticket: str,
    counter_number: int,
    *,
    chime: bool = True,
    style: NumberStyle = STANDARD,
) -> list[str]:
    """Clip names of one call: [chime,] "Mời công dân có số", ticket, "đến quầy số", counter."""
    ticket_words = read_ticket(ticket, style)
    counter_words = read_number_in(counter_number, style)
    head = [CHIME] if chime else []
    return [*head, INVITE, *ticket_words, TO_COUNTER, *counter_words]


def clip_paths(
    names: Iterable[str], clip_dirs: Path | Sequence[Path]
) -> tuple[list[Path], list[str]]:
    """(paths of the clips found, names not found), each name looked up in ``clip_dirs`` in order."""
    dirs = [clip_dirs] if isinstance(clip_dirs, Path) else list(clip_dirs)
    found: list[Path] = []
    missing: list[str] = []
    for name in names:
        for d in dirs:
            path = d / f"{name}{CLIP_SUFFIX}"
            if path.is_file():
                found.append(path)
                break
        else:
            missing.append(name)
    return found, missing


# Why calls are not heard on this PC (``VoiceProblem.code``); the screens word them.
NO_PLAYER = "voice.no_player"  # no audio player program is installed
PLAYER_FAILED = "voice.player_failed"  # players exist but every one failed (no sound card, output busy …)


@dataclass(frozen=True)
class VoiceProblem:
    """What keeps the calls from being heard: a code and what the player found (program names, its error)."""

    code: str
    detail: str = ""


def voice_problem(announcer: object) -> VoiceProblem | None:
    """The announcer's own report of why it cannot be heard now (None: fine, or it cannot tell)."""
    report = getattr(announcer, "problem", None)
    if not callable(report):
        return None
    found = report()
    return found if isinstance(found, VoiceProblem) else None


@dataclass(frozen=True)
class Announcement:
    """One call waiting to be spoken."""

    ticket: str
    counter_number: int
    recall: bool = False


_STOP = object()


class VoiceQueue:
    """Speaks announcements one after another on its own thread, so no call cuts off another.

    ``announce``/``recall`` may be called from any thread and return at once. A clip that is
    missing is logged once and skipped; a player that fails is logged; the queue keeps going.
    """

    def __init__(
        self,
        player: ClipPlayer,
        clip_dirs: Sequence[Path],
        *,
        chime: bool = True,
        style: NumberStyle = STANDARD,
        max_pending: int = 50,
    ) -> None:
        self._player = player
        self._clip_dirs = list(clip_dirs)
        self._style = style
        self._chime = chime
        self._pending: queue.Queue[object] = queue.Queue(maxsize=max_pending)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._unfinished = 0
        self._reported_missing: set[str] = set()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def chime(self) -> bool:
        return self._chime

    @chime.setter
    def chime(self, on: bool) -> None:
        self._chime = on

    def problem(self) -> VoiceProblem | None:
        """Why the calls are not heard now, as the player reports it (see ``voice_problem``)."""
        return voice_problem(self._player)

    def start(self) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("voice queue is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="voice-queue", daemon=True)
                self._thread.start()

    def announce(self, ticket: str, counter_number: int) -> Announcement:
        """Queue a call; raises ValueError at once for a ticket or counter that cannot be read."""
        return self._put(Announcement(ticket, counter_number))

    def recall(self, ticket: str, counter_number: int) -> Announcement:
        """Queue the same call again (the citizen did not come)."""
        return self._put(Announcement(ticket, counter_number, recall=True))

    def _put(self, item: Announcement) -> Announcement:
        call_sequence(item.ticket, item.counter_number, style=self._style)  # validate now
        self.start()
        with self._lock:
            try:
                self._pending.put_nowait(item)
            except queue.Full:
                log.warning(
                    "voice queue full; call %s → counter %s dropped",
                    item.ticket,
                    item.counter_number,
                )
                return item
            self._unfinished += 1
        return item

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every queued call has been spoken; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        """Speak what is queued, then stop the thread (waits at most ``timeout`` seconds)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            try:
                self._pending.put(_STOP, timeout=timeout)
            except queue.Full:
                log.warning("voice queue still busy at close; its thread is left to finish")
                return
            thread.join(timeout)

    def __enter__(self) -> VoiceQueue:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            item = self._pending.get()
            if not isinstance(item, Announcement):  # _STOP
                return
            try:
                self._speak(item)
            except Exception:
                log.exception("voice call %s → counter %s failed", item.ticket, item.counter_number)
            finally:
                with self._idle:
                    self._unfinished -= 1
                    self._idle.notify_all()

    def _speak(self, item: Announcement) -> None:
        names = call_sequence(
            item.ticket, item.counter_number, chime=self._chime, style=self._style
        )
        paths, missing = clip_paths(names, self._clip_dirs)
        for name in missing:
            if name not in self._reported_missing:
                self._reported_missing.add(name)
                log.warning("voice clip %r not found in %s; skipped", name, self._clip_dirs)
        if paths:
            self._player.play(paths)
