"""Voice playback on real clips: joining WAVs, finding a player, the `voice say` command."""

from __future__ import annotations

import logging
import math
import os
import sys
import threading
import types
import wave
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from counter_app.devices.audio import (
    PlayCommand,
    WavClipPlayer,
    join_wavs,
    say,
    wav_duration,
    wav_format,
)
from counter_app.services.voice import (
    NO_PLAYER,
    PLAYER_FAILED,
    ClipPlayer,
    VoiceProblem,
    VoiceQueue,
    all_clip_names,
    call_sequence,
    clip_paths,
)
from tests.unit.test_voice_queue import FakeClipPlayer

CLIPS = Path(__file__).resolve().parents[2] / "resources" / "voice" / "vi"
RATE = 22050


def _samples(path: Path) -> array[int]:
    with wave.open(str(path), "rb") as w:
        data = array("h")
        data.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    return data


def _rms(samples: array[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768


def _write_tone(path: Path, seconds: float, rate: int, channels: int = 1) -> None:
    n = int(seconds * rate)
    data = array(
        "h",
        (
            int(8000 * math.sin(2 * math.pi * 440 * i / rate))
            for i in range(n)
            for _ in range(channels)
        ),
    )
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())


def _stub_player(tmp_path: Path, name: str = "stub-play", exit_code: int = 0) -> tuple[Path, Path]:
    """An executable that copies the WAV it is given into a folder (numbered), then exits."""
    out_dir = tmp_path / f"{name}-out"
    out_dir.mkdir()
    script = tmp_path / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys, pathlib\n"
        f"out = pathlib.Path({str(out_dir)!r})\n"
        "shutil.copy(sys.argv[-1], out / f'{len(list(out.iterdir())):03d}.wav')\n"
        f"sys.exit({exit_code})\n"
    )
    script.chmod(0o755)
    return script, out_dir


class TestClipSet:
    def test_every_clip_is_mono_16_bit_22050_hz_and_not_silent(self) -> None:
        for name in all_clip_names():
            path = CLIPS / f"{name}.wav"
            with wave.open(str(path), "rb") as w:
                assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE), name
            duration = wav_duration(path)
            assert 0.1 < duration < 2.5, (name, duration)
            samples = _samples(path)
            assert _rms(samples) > 0.05, name
            # trimmed: the sound starts within 40 ms and (speech) ends within 60 ms of the edges
            assert max(abs(s) for s in samples[: int(0.04 * RATE)]) > 300, name
            if name != "chime":  # the chime keeps a short silence after its ring on purpose
                assert max(abs(s) for s in samples[-int(0.06 * RATE) :]) > 50, name

    def test_the_set_is_modest(self) -> None:
        total = sum(p.stat().st_size for p in CLIPS.glob("*.wav"))
        assert total < 3_000_000


class TestJoin:
    def test_duration_is_the_sum_of_the_parts(self, tmp_path: Path) -> None:
        paths, missing = clip_paths(call_sequence("A1005", 12), CLIPS)
        assert missing == []
        out = tmp_path / "call.wav"
        duration = join_wavs(paths, out)
        expected = sum(wav_duration(p) for p in paths)
        assert duration == pytest.approx(expected, abs=1e-3)
        assert wav_duration(out) == pytest.approx(expected, abs=1e-3)
        assert 4.0 < duration < 12.0

    def test_gaps_are_added_between_clips(self, tmp_path: Path) -> None:
        paths = [CLIPS / "mot.wav", CLIPS / "hai.wav", CLIPS / "ba.wav"]
        duration = join_wavs(paths, tmp_path / "j.wav", gap_ms=100)
        assert duration == pytest.approx(sum(wav_duration(p) for p in paths) + 0.2, abs=1e-3)

    def test_the_joined_audio_is_the_clips_in_order(self, tmp_path: Path) -> None:
        paths = [CLIPS / "mot.wav", CLIPS / "hai.wav"]
        join_wavs(paths, tmp_path / "j.wav")
        assert _samples(tmp_path / "j.wav") == _samples(paths[0]) + _samples(paths[1])

    def test_different_formats_are_refused(self, tmp_path: Path) -> None:
        _write_tone(tmp_path / "cd.wav", 0.2, 44100, channels=2)
        with pytest.raises(ValueError):
            join_wavs([CLIPS / "mot.wav", tmp_path / "cd.wav"], tmp_path / "j.wav")

    def test_nothing_to_join_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError):
            join_wavs([], tmp_path / "j.wav")


class TestWavClipPlayer:
    def test_without_any_player_it_logs_once_and_returns(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        player = WavClipPlayer(use_winsound=False, which=lambda _name: None)
        assert not player.available()
        with caplog.at_level(logging.ERROR, logger="counter_app.devices.audio"):
            player.play([CLIPS / "mot.wav"])
            player.play([CLIPS / "hai.wav"])
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert "aplay" in errors[0].getMessage() and "ffplay" in errors[0].getMessage()

    def test_default_players_are_tried_in_order(self) -> None:
        asked: list[str] = []

        def which(name: str) -> str | None:
            asked.append(name)
            return f"/usr/bin/{name}" if name in ("pw-play", "ffplay") else None

        player = WavClipPlayer(use_winsound=False, which=which)
        assert player.backends() == ["pw-play", "ffplay"]
        assert asked == ["aplay", "paplay", "pw-play", "ffplay"]

    def test_plays_the_joined_call_through_the_command(self, tmp_path: Path) -> None:
        stub, out_dir = _stub_player(tmp_path)
        player = WavClipPlayer([PlayCommand(str(stub))], use_winsound=False, gap_ms=40)
        paths, _ = clip_paths(call_sequence("A012", 3), CLIPS)
        player.play(paths)
        (played,) = sorted(out_dir.iterdir())
        expected = tmp_path / "expected.wav"
        join_wavs(paths, expected, gap_ms=40)
        assert played.read_bytes() == expected.read_bytes()

    def test_a_failing_player_falls_back_to_the_next(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        broken, broken_out = _stub_player(tmp_path, "broken", exit_code=1)
        good, good_out = _stub_player(tmp_path, "good")
        player = WavClipPlayer(
            [PlayCommand(str(broken)), PlayCommand(str(good))], use_winsound=False
        )
        with caplog.at_level(logging.WARNING):
            player.play([CLIPS / "mot.wav"])
            player.play([CLIPS / "hai.wav"])
        assert len(list(good_out.iterdir())) == 2
        assert len(list(broken_out.iterdir())) == 1  # tried once, then the good one goes first
        assert player.backends() == ["good", "broken"]
        assert sum("broken" in r.getMessage() for r in caplog.records) == 1
        assert player.last_played

    def test_when_every_player_fails_it_says_so_once(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        broken, _ = _stub_player(tmp_path, "broken", exit_code=1)
        player = WavClipPlayer([PlayCommand(str(broken))], use_winsound=False)
        with caplog.at_level(logging.WARNING, logger="counter_app.devices.audio"):
            for _ in range(3):
                player.play([CLIPS / "mot.wav"])
        assert not player.last_played
        assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1

    def test_clips_of_another_format_play_as_a_separate_run(self, tmp_path: Path) -> None:
        centre = tmp_path / "centre"
        centre.mkdir()
        _write_tone(centre / "den_quay_so.wav", 0.5, 44100, channels=2)
        stub, out_dir = _stub_player(tmp_path)
        player = WavClipPlayer([PlayCommand(str(stub))], use_winsound=False, gap_ms=0)
        paths, _ = clip_paths(call_sequence("A1", 2, chime=False), [centre, CLIPS])
        player.play(paths)
        runs = sorted(out_dir.iterdir())
        assert [wav_format(r)[2] for r in runs] == [RATE, 44100, RATE]

    def test_an_unreadable_clip_is_skipped(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        bad = tmp_path / "bad.wav"
        bad.write_bytes(b"not a wav")
        stub, out_dir = _stub_player(tmp_path)
        player = WavClipPlayer([PlayCommand(str(stub))], use_winsound=False, gap_ms=0)
        with caplog.at_level(logging.WARNING):
            player.play([CLIPS / "mot.wav", bad, CLIPS / "hai.wav"])
        (played,) = out_dir.iterdir()
        assert wav_duration(played) == pytest.approx(
            wav_duration(CLIPS / "mot.wav") + wav_duration(CLIPS / "hai.wav")
        )
        assert any("bad.wav" in r.getMessage() for r in caplog.records)

    def test_winsound_on_windows(self, monkeypatch: pytest.MonkeyPatch) -> None:
        played: list[tuple[str, int]] = []
        fake = types.SimpleNamespace(
            SND_FILENAME=0x20000,
            SND_NODEFAULT=0x2,
            PlaySound=lambda name, flags: played.append((name, flags)),
        )
        monkeypatch.setitem(sys.modules, "winsound", fake)
        player = WavClipPlayer(use_winsound=True, which=lambda _name: "/usr/bin/ffplay")
        assert player.backends()[0] == "winsound"
        player.play([CLIPS / "mot.wav"])
        assert len(played) == 1 and played[0][1] == 0x20002

    def test_a_queue_over_the_real_player_speaks_every_call(self, tmp_path: Path) -> None:
        stub, out_dir = _stub_player(tmp_path)
        with VoiceQueue(WavClipPlayer([PlayCommand(str(stub))], use_winsound=False), [CLIPS]) as q:
            q.announce("A001", 1)
            q.recall("A001", 1)
            assert q.wait_idle(20)
        first, second = sorted(out_dir.iterdir())
        assert first.read_bytes() == second.read_bytes()


class TestWhyTheCallsAreNotHeard:
    """The player's own report, which the hall display shows to the administrator."""

    def test_no_player_on_the_path(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PATH", "")  # the real lookup (shutil.which) on a PC without any player
        player = WavClipPlayer(use_winsound=False)
        expected = VoiceProblem(NO_PLAYER, "aplay, paplay, pw-play, ffplay")
        assert player.problem() == expected
        with VoiceQueue(player, [CLIPS]) as voice:
            assert voice.problem() == expected
            voice.announce("A001", 1)  # still no crash: the call is just not heard
            assert voice.wait_idle(10)
            assert voice.problem() == expected

    def test_a_player_without_a_sound_card_until_a_call_plays_again(self, tmp_path: Path) -> None:
        """aplay exists but cannot open the audio device: every call fails, then the card is back."""
        no_card = tmp_path / "no-card"
        no_card.touch()
        aplay = tmp_path / "aplay"
        aplay.write_text(
            f"#!{sys.executable}\n"
            "import pathlib, sys\n"
            f"if pathlib.Path({str(no_card)!r}).exists():\n"
            "    sys.stderr.write('aplay: main:831: audio open error: No such file or directory\\n')\n"
            "    sys.exit(1)\n"
        )
        aplay.chmod(0o755)
        player = WavClipPlayer([PlayCommand(str(aplay), ("-q",))], use_winsound=False)
        assert player.problem() is None  # found, not tried yet

        player.play([CLIPS / "mot.wav"])
        assert player.problem() == VoiceProblem(
            PLAYER_FAILED, "aplay: exit 1: aplay: main:831: audio open error: No such file or directory"
        )

        no_card.unlink()
        player.play([CLIPS / "hai.wav"])
        assert player.last_played and player.problem() is None


# The fake used by the queue tests must behave as the real player does --------------------------


def _real_player(tmp_path: Path) -> tuple[ClipPlayer, Callable[[], list[bytes]]]:
    stub, out_dir = _stub_player(tmp_path)
    player = WavClipPlayer([PlayCommand(str(stub))], use_winsound=False, gap_ms=0)
    return player, lambda: [_samples(p).tobytes() for p in sorted(out_dir.iterdir())]


def _fake_player(tmp_path: Path) -> tuple[ClipPlayer, Callable[[], list[bytes]]]:
    player = FakeClipPlayer()

    def heard() -> list[bytes]:
        return [b"".join(_samples(p).tobytes() for p in call) for call in player.played]

    return player, heard


@pytest.fixture(params=[_real_player, _fake_player], ids=["real", "fake"])
def player_and_heard(
    request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[ClipPlayer, Callable[[], list[bytes]]]:
    make: Callable[[Path], tuple[ClipPlayer, Callable[[], list[bytes]]]] = request.param
    return make(tmp_path)


class TestClipPlayerContract:
    def test_is_a_clip_player(
        self, player_and_heard: tuple[ClipPlayer, Callable[[], list[bytes]]]
    ) -> None:
        player, _ = player_and_heard
        assert isinstance(player, ClipPlayer)

    def test_plays_the_clips_in_order_and_returns_when_done(
        self, player_and_heard: tuple[ClipPlayer, Callable[[], list[bytes]]]
    ) -> None:
        player, heard = player_and_heard
        paths, _ = clip_paths(call_sequence("A012", 3), CLIPS)
        player.play(paths)
        assert heard() == [b"".join(_samples(p).tobytes() for p in paths)]

    def test_nothing_to_play_plays_nothing(
        self, player_and_heard: tuple[ClipPlayer, Callable[[], list[bytes]]]
    ) -> None:
        player, heard = player_and_heard
        player.play([])
        assert heard() == []

    def test_two_calls_are_heard_as_two(
        self, player_and_heard: tuple[ClipPlayer, Callable[[], list[bytes]]]
    ) -> None:
        player, heard = player_and_heard
        player.play([CLIPS / "mot.wav"])
        player.play([CLIPS / "hai.wav", CLIPS / "ba.wav"])
        assert len(heard()) == 2

    def test_calls_from_two_threads_are_each_heard_whole(
        self, player_and_heard: tuple[ClipPlayer, Callable[[], list[bytes]]]
    ) -> None:
        player, heard = player_and_heard
        calls = [[CLIPS / "mot.wav", CLIPS / "hai.wav"], [CLIPS / "ba.wav", CLIPS / "bon.wav"]]
        threads = [threading.Thread(target=player.play, args=(c,)) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        expected = {b"".join(_samples(p).tobytes() for p in c) for c in calls}
        assert set(heard()) == expected


class TestSay:
    def test_dry_run_prints_the_clips_on_one_line(self) -> None:
        lines: list[str] = []
        assert say("A012", 3, dry_run=True, clip_dirs=[CLIPS], out=lines.append) == 0
        (line,) = lines
        names = [part.split("=", 1)[0] for part in line.split(" ")]
        assert names == call_sequence("A012", 3)
        assert f"chu_a={CLIPS / 'chu_a.wav'}" in line

    def test_dry_run_uses_the_bundled_clips_by_default(self) -> None:
        lines: list[str] = []
        assert say("B105", 21, dry_run=True, out=lines.append) == 0
        assert os.fspath(CLIPS / "mot_sac.wav") in lines[0] or "mot_sac.wav" in lines[0]

    def test_dry_run_marks_missing_clips(self, tmp_path: Path) -> None:
        lines: list[str] = []
        assert say("A1", 1, dry_run=True, clip_dirs=[tmp_path], out=lines.append) == 1
        assert "chu_a=?" in lines[0]

    def test_bad_ticket(self) -> None:
        lines: list[str] = []
        assert say("A-1", 1, dry_run=True, out=lines.append) == 2
        assert lines

    def test_plays_through_the_given_player(self) -> None:
        player = FakeClipPlayer()
        assert say("A012", 3, dry_run=False, clip_dirs=[CLIPS], out=print, player=player) == 0
        assert player.played_names() == [call_sequence("A012", 3)]

    def test_reports_a_call_that_could_not_be_played(self, tmp_path: Path) -> None:
        broken, _ = _stub_player(tmp_path, "broken", exit_code=1)
        player = WavClipPlayer([PlayCommand(str(broken))], use_winsound=False)
        lines: list[str] = []
        assert (
            say("A012", 3, dry_run=False, clip_dirs=[CLIPS], out=lines.append, player=player) == 1
        )
        assert lines and not player.last_played

    def test_plays_through_a_real_player(self, tmp_path: Path) -> None:
        stub, out_dir = _stub_player(tmp_path)
        player = WavClipPlayer([PlayCommand(str(stub))], use_winsound=False)
        assert say("A012", 3, dry_run=False, clip_dirs=[CLIPS], out=print, player=player) == 0
        assert player.last_played and len(list(out_dir.iterdir())) == 1
