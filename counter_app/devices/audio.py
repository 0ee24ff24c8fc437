"""Voice playback: join WAV clips and play them with the system's player (aplay … winsound)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from counter_app.domain.vietnamese_numbers import STANDARD, NumberStyle
from counter_app.services.i18n import _
from counter_app.services.voice import (
    NO_PLAYER,
    PLAYER_FAILED,
    ClipPlayer,
    VoiceProblem,
    call_sequence,
    clip_paths,
    default_clip_dirs,
)

log = logging.getLogger(__name__)

WavFormat = tuple[int, int, int]  # channels, sample width in bytes, frame rate

WINSOUND = "winsound"


@dataclass(frozen=True)
class PlayCommand:
    """A command-line player: ``program *args FILE.wav``, returning when playback ends."""

    program: str
    args: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.program).name


# Tried in this order; the first that is installed and plays wins.
DEFAULT_COMMANDS: tuple[PlayCommand, ...] = (
    PlayCommand("aplay", ("-q",)),
    PlayCommand("paplay"),
    PlayCommand("pw-play"),
    PlayCommand("ffplay", ("-nodisp", "-autoexit", "-loglevel", "quiet")),
)


def wav_format(path: Path) -> WavFormat:
    with wave.open(str(path), "rb") as w:
        return w.getnchannels(), w.getsampwidth(), w.getframerate()


def wav_duration(path: Path) -> float:
    """Length in seconds."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def join_wavs(paths: Sequence[Path], out_path: Path, *, gap_ms: int = 0) -> float:
    """Write the clips one after another (``gap_ms`` of silence between) to ``out_path``.

    All clips must share one format (channels, sample width, rate), else ValueError.
    Returns the duration of the result in seconds.
    """
    if not paths:
        raise ValueError("no clips to join")
    fmt = wav_format(paths[0])
    channels, width, rate = fmt
    silence = b"\x00" * (width * channels * (rate * gap_ms // 1000))
    frames = 0
    with wave.open(str(out_path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        for i, path in enumerate(paths):
            with wave.open(str(path), "rb") as w:
                if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != fmt:
                    raise ValueError(f"{path} is not in the format of {paths[0]} {fmt}")
                if i and silence:
                    out.writeframes(silence)
                    frames += len(silence) // (width * channels)
                out.writeframes(w.readframes(w.getnframes()))
                frames += w.getnframes()
    return frames / rate


def _same_format_runs(paths: Sequence[Path]) -> list[list[Path]]:
    """Consecutive clips grouped by WAV format; unreadable files are logged and left out."""
    runs: list[list[Path]] = []
    last: WavFormat | None = None
    for path in paths:
        try:
            fmt = wav_format(path)
        except (OSError, EOFError, wave.Error) as exc:
            log.warning("voice clip %s is not a readable WAV file (%s); skipped", path, exc)
            continue
        if runs and fmt == last:
            runs[-1].append(path)
        else:
            runs.append([path])
            last = fmt
    return runs


class WavClipPlayer:
    """A ClipPlayer that joins the clips into one WAV and plays it with the first player that works.

    Players: ``commands`` (default aplay, paplay, pw-play, ffplay) and, on Windows, stdlib winsound
    (tried first there). Without any, one error is logged and ``play`` returns: no voice, no crash.
    Clips of different formats (a centre's own recordings) are played as separate runs.
    """

    def __init__(
        self,
        commands: Sequence[PlayCommand] = DEFAULT_COMMANDS,
        *,
        use_winsound: bool | None = None,
        gap_ms: int = 40,
        timeout_margin: float = 10.0,
        which: Callable[[str], str | None] = shutil.which,
    ) -> None:
        self._commands = list(commands)
        self._use_winsound = sys.platform == "win32" if use_winsound is None else use_winsound
        self._gap_ms = gap_ms
        self._timeout_margin = timeout_margin
        self._which = which
        self._lock = threading.Lock()
        self._backends: list[PlayCommand | str] | None = None
        self._failed: set[str] = set()
        self._reported_none = False
        self._reported_all_failed = False
        self._last_failure = ""
        self.last_played = False

    def backends(self) -> list[str]:
        """Names of the players found on this machine, in the order they are tried."""
        return [b if isinstance(b, str) else b.name for b in self._available()]

    def available(self) -> bool:
        return bool(self._available())

    def problem(self) -> VoiceProblem | None:
        """Why calls are not heard on this PC now, or None.

        ``NO_PLAYER`` (detail: the programs looked for) when none is installed; ``PLAYER_FAILED``
        (detail: the last player's error, e.g. aplay's "audio open error" without a sound card)
        when every player failed on the last call, until a call plays again.
        """
        if not self._available():
            return VoiceProblem(NO_PLAYER, ", ".join(c.name for c in self._commands))
        if self._reported_all_failed:
            return VoiceProblem(PLAYER_FAILED, self._last_failure)
        return None

    def _available(self) -> list[PlayCommand | str]:
        if self._backends is None:
            found: list[PlayCommand | str] = [WINSOUND] if self._use_winsound else []
            for cmd in self._commands:
                program = self._which(cmd.program)
                if program:
                    found.append(PlayCommand(program, cmd.args))
            self._backends = found
        return self._backends

    def play(self, paths: list[Path]) -> None:
        """Play the clips back to back; returns when done (or at once when nothing can play).

        ``last_played`` then says whether every part was handed to a player that finished fine.
        """
        with self._lock:  # one sound at a time, even if two queues share this player
            self.last_played = False
            if not paths:
                return
            if not self._available():
                if not self._reported_none:
                    self._reported_none = True
                    tried = ", ".join(c.program for c in self._commands)
                    log.error("no audio player found (tried %s); voice call-outs are off", tried)
                return
            runs = _same_format_runs(paths)
            results = [self._play_run(run) for run in runs]
            self.last_played = bool(results) and all(results)

    def _play_run(self, run: list[Path]) -> bool:
        with tempfile.TemporaryDirectory(prefix="counter-voice-") as tmp:
            joined = Path(tmp) / "call.wav"
            try:
                duration = join_wavs(run, joined, gap_ms=self._gap_ms)
            except (OSError, EOFError, wave.Error, ValueError) as exc:
                log.warning("voice clips could not be joined (%s); call skipped", exc)
                return False
            backends = self._available()
            for backend in list(backends):
                if self._play_file(backend, joined, duration):
                    if backends[0] is not backend:  # remember the one that works
                        backends.remove(backend)
                        backends.insert(0, backend)
                    self._reported_all_failed = False
                    return True
            if not self._reported_all_failed:  # once, until a call plays again
                self._reported_all_failed = True
                log.error(
                    "no audio player could play the call (tried %s); voice is silent",
                    self.backends(),
                )
            return False

    def _play_file(self, backend: PlayCommand | str, path: Path, duration: float) -> bool:
        name = backend if isinstance(backend, str) else backend.name
        try:
            if isinstance(backend, str):
                import winsound  # type: ignore[import-not-found,unused-ignore]

                winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_NODEFAULT)
                return True
            result = subprocess.run(
                [backend.program, *backend.args, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=duration + self._timeout_margin,
                check=False,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),  # no console on Windows
            )
        except (OSError, RuntimeError, ImportError, subprocess.TimeoutExpired) as exc:
            self._report_failure(name, str(exc))
            return False
        if result.returncode != 0:
            err = result.stderr.decode(errors="replace").strip().splitlines()
            self._report_failure(name, f"exit {result.returncode}: {err[-1] if err else ''}")
            return False
        return True

    def _report_failure(self, name: str, detail: str) -> None:
        self._last_failure = f"{name}: {detail}"
        if name not in self._failed:
            self._failed.add(name)
            log.warning("audio player %s failed (%s); trying the next one", name, detail)


def _error(message: str) -> str:
    return f"{_('error')}: {message}"


def say(
    ticket: str,
    counter: int,
    *,
    dry_run: bool,
    clip_dirs: list[Path] | None = None,
    out: Callable[[str], object] = print,
    err: Callable[[str], object] | None = None,
    player: ClipPlayer | None = None,
    chime: bool = True,
    style: NumberStyle = STANDARD,
) -> int:
    """``counter voice say``: speak one call, or with ``dry_run`` print its clips on one line.

    Returns 0 on success, 1 when a clip is missing (dry run) or the call could not be played,
    2 for a ticket or counter number that cannot be read.
    """
    report = err if err is not None else out  # the command line sends errors to stderr
    dirs = clip_dirs if clip_dirs is not None else default_clip_dirs()
    try:
        names = call_sequence(ticket, counter, chime=chime, style=style)
    except ValueError as exc:
        report(_error(str(exc)))
        return 2
    if dry_run:
        parts: list[str] = []
        missing_any = False
        for name in names:
            found, _missing = clip_paths([name], dirs)
            missing_any = missing_any or not found
            parts.append(f"{name}={found[0] if found else '?'}")
        out(" ".join(parts))
        return 1 if missing_any else 0
    if player is None:
        real = WavClipPlayer()
        if not real.available():
            report(_error(_("no audio player found (aplay, paplay, pw-play, ffplay)")))
            return 1
        player = real
    paths, missing = clip_paths(names, dirs)
    for name in missing:
        log.warning("voice clip %r not found in %s; skipped", name, dirs)
    player.play(paths)
    if isinstance(player, WavClipPlayer) and not player.last_played:
        report(_error(_("the call could not be played (see the log)")))
        return 1
    return 0
