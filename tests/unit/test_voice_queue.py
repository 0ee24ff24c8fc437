"""Voice call-outs: the clip sequence of a call, finding clips, and the queue that speaks calls in turn."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from counter_app.domain.vietnamese_numbers import SOUTHERN
from counter_app.services.voice import (
    CHIME,
    ClipPlayer,
    VoiceQueue,
    all_clip_names,
    call_sequence,
    clip_paths,
    clip_texts,
    default_clip_dirs,
)

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "voice" / "vi"


class FakeClipPlayer:
    """Records what it was asked to play; notices if two plays ever overlap."""

    def __init__(self, seconds: float = 0.0, fail_times: int = 0) -> None:
        self.played: list[list[Path]] = []
        self.seconds = seconds
        self.fail_times = fail_times
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()

    def play(self, paths: list[Path]) -> None:
        if not paths:  # as the real player: nothing to play is not a call
            return
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            time.sleep(self.seconds)
            with self._lock:
                if self.fail_times:
                    self.fail_times -= 1
                    raise RuntimeError("sound card gone")
                self.played.append(list(paths))
        finally:
            with self._lock:
                self.active -= 1

    def played_names(self) -> list[list[str]]:
        return [[p.stem for p in call] for call in self.played]


@pytest.fixture
def clip_dir(tmp_path: Path) -> Path:
    """A folder holding every clip name as an (empty) file."""
    d = tmp_path / "clips"
    d.mkdir()
    for name in all_clip_names():
        (d / f"{name}.wav").touch()
    return d


class TestCallSequence:
    def test_chime_phrase_ticket_phrase_counter(self) -> None:
        assert call_sequence("A012", 3) == [
            "chime",
            "moi_cong_dan_co_so",
            "chu_a",
            "muoi",
            "hai",
            "den_quay_so",
            "ba",
        ]

    def test_chime_off_keeps_the_voice(self) -> None:
        assert call_sequence("B105", 21, chime=False) == [
            "moi_cong_dan_co_so",
            "chu_b",
            "mot",
            "tram",
            "linh",
            "nam",
            "den_quay_so",
            "hai",
            "muoi_ngang",
            "mot_sac",
        ]

    def test_regional_style(self) -> None:
        assert call_sequence("1005", 1, chime=False, style=SOUTHERN)[1:5] == [
            "mot",
            "ngan",
            "khong",
            "tram",
        ]

    @pytest.mark.parametrize(("ticket", "counter"), [("A-1", 1), ("A1", -1), ("A1", 1_000_000)])
    def test_unreadable_call_is_refused(self, ticket: str, counter: int) -> None:
        with pytest.raises(ValueError):
            call_sequence(ticket, counter)


class TestClipSet:
    def test_every_named_clip_is_bundled(self) -> None:
        names = all_clip_names()
        assert CHIME in names and len(names) == len(set(names))
        found, missing = clip_paths(names, BUNDLED)
        assert missing == []
        assert len(found) == len(names)

    def test_every_spoken_clip_has_its_text(self) -> None:
        texts = clip_texts()
        assert texts["moi_cong_dan_co_so"] == "Mời công dân có số"
        assert texts["den_quay_so"] == "đến quầy số"
        assert texts["muoi_ngang"] == "mươi"
        assert all(texts.values())

    def test_the_readme_lists_every_clip(self) -> None:
        readme = (BUNDLED.parent / "README.md").read_text(encoding="utf-8")
        assert [n for n in all_clip_names() if f"`{n}`" not in readme] == []

    def test_bundled_folder_is_the_default(self) -> None:
        assert default_clip_dirs()[-1].resolve() == BUNDLED
        assert default_clip_dirs(Path("/centre"))[0] == Path("/centre")


class TestClipPaths:
    def test_found_in_order_and_missing_named(self, clip_dir: Path) -> None:
        (clip_dir / "hai.wav").unlink()
        found, missing = clip_paths(["mot", "hai", "ba", "nope"], clip_dir)
        assert found == [clip_dir / "mot.wav", clip_dir / "ba.wav"]
        assert missing == ["hai", "nope"]

    def test_centre_recordings_come_first(self, clip_dir: Path, tmp_path: Path) -> None:
        centre = tmp_path / "centre"
        centre.mkdir()
        (centre / "den_quay_so.wav").touch()
        found, missing = clip_paths(["moi_cong_dan_co_so", "den_quay_so"], [centre, clip_dir])
        assert found == [clip_dir / "moi_cong_dan_co_so.wav", centre / "den_quay_so.wav"]
        assert missing == []

    def test_a_folder_that_does_not_exist_is_passed_over(
        self, clip_dir: Path, tmp_path: Path
    ) -> None:
        found, _ = clip_paths(["ba"], [tmp_path / "absent", clip_dir])
        assert found == [clip_dir / "ba.wav"]


class TestVoiceQueue:
    def test_fake_is_a_clip_player(self) -> None:
        assert isinstance(FakeClipPlayer(), ClipPlayer)

    def test_calls_are_spoken_in_order(self, clip_dir: Path) -> None:
        player = FakeClipPlayer(seconds=0.01)
        with VoiceQueue(player, [clip_dir]) as q:
            q.announce("A001", 1)
            q.announce("A002", 2)
            q.announce("B003", 3)
            assert q.wait_idle(5)
        assert player.played_names() == [
            call_sequence("A001", 1),
            call_sequence("A002", 2),
            call_sequence("B003", 3),
        ]
        assert player.played[0][0] == clip_dir / "chime.wav"

    def test_no_overlap_when_calls_come_from_many_threads(self, clip_dir: Path) -> None:
        player = FakeClipPlayer(seconds=0.005)
        q = VoiceQueue(player, [clip_dir])
        start = threading.Barrier(8)

        def counter_pc(counter: int) -> None:
            start.wait()
            for i in range(5):
                q.announce(f"A{counter}{i:02d}", counter)

        threads = [threading.Thread(target=counter_pc, args=(c,)) for c in range(1, 9)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert q.wait_idle(10)
        q.close()
        assert player.max_active == 1
        assert len(player.played) == 40
        expected = sorted(call_sequence(f"A{c}{i:02d}", c) for c in range(1, 9) for i in range(5))
        assert sorted(player.played_names()) == expected

    def test_each_pc_keeps_its_own_order(self, clip_dir: Path) -> None:
        player = FakeClipPlayer()
        q = VoiceQueue(player, [clip_dir], chime=False)
        tickets = {c: [f"A{c}{i}" for i in range(1, 6)] for c in (1, 2, 3)}

        def counter_pc(counter: int) -> None:
            for t in tickets[counter]:
                q.announce(t, counter)

        threads = [threading.Thread(target=counter_pc, args=(c,)) for c in tickets]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert q.wait_idle(5)
        q.close()
        spoken = player.played_names()
        for c, own in tickets.items():
            expected = [call_sequence(t, c, chime=False) for t in own]
            assert [s for s in spoken if s in expected] == expected

    def test_recall_repeats_the_call(self, clip_dir: Path) -> None:
        player = FakeClipPlayer()
        with VoiceQueue(player, [clip_dir]) as q:
            first = q.announce("A012", 3)
            again = q.recall("A012", 3)
            assert q.wait_idle(5)
        assert again.recall and not first.recall
        assert player.played[0] == player.played[1]
        assert len(player.played) == 2

    def test_chime_off(self, clip_dir: Path) -> None:
        player = FakeClipPlayer()
        with VoiceQueue(player, [clip_dir], chime=False) as q:
            q.announce("A012", 3)
            assert q.wait_idle(5)
            q.chime = True
            q.announce("A013", 3)
            assert q.wait_idle(5)
        assert player.played_names()[0][0] == "moi_cong_dan_co_so"
        assert player.played_names()[1][0] == "chime"

    def test_missing_clip_is_skipped_and_logged_once(
        self, clip_dir: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        (clip_dir / "chu_a.wav").unlink()
        player = FakeClipPlayer()
        with (
            caplog.at_level(logging.WARNING, logger="counter_app.services.voice"),
            VoiceQueue(player, [clip_dir]) as q,
        ):
            q.announce("A012", 3)
            q.announce("A013", 3)
            assert q.wait_idle(5)
        assert player.played_names()[0] == [
            "chime",
            "moi_cong_dan_co_so",
            "muoi",
            "hai",
            "den_quay_so",
            "ba",
        ]
        assert len(player.played) == 2
        warnings = [r for r in caplog.records if "chu_a" in r.getMessage()]
        assert len(warnings) == 1

    def test_no_clips_at_all_plays_nothing(self, tmp_path: Path) -> None:
        player = FakeClipPlayer()
        with VoiceQueue(player, [tmp_path]) as q:
            q.announce("A012", 3)
            assert q.wait_idle(5)
        assert player.played == []

    def test_a_failing_player_does_not_stop_the_queue(
        self, clip_dir: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        player = FakeClipPlayer(fail_times=1)
        with caplog.at_level(logging.ERROR), VoiceQueue(player, [clip_dir]) as q:
            q.announce("A001", 1)
            q.announce("A002", 1)
            assert q.wait_idle(5)
        assert player.played_names() == [call_sequence("A002", 1)]
        assert any("A001" in r.getMessage() for r in caplog.records)

    def test_bad_ticket_is_refused_at_once(self, clip_dir: Path) -> None:
        player = FakeClipPlayer()
        with VoiceQueue(player, [clip_dir]) as q:
            with pytest.raises(ValueError):
                q.announce("A-12", 3)
            assert q.wait_idle(5)
        assert player.played == []

    def test_announce_returns_at_once_and_close_speaks_what_is_queued(self, clip_dir: Path) -> None:
        player = FakeClipPlayer(seconds=0.05)
        q = VoiceQueue(player, [clip_dir])
        t0 = time.monotonic()
        for i in range(3):
            q.announce(f"A00{i}", 1)
        assert time.monotonic() - t0 < 0.05
        q.close(timeout=5)
        assert len(player.played) == 3
        with pytest.raises(RuntimeError):
            q.announce("A004", 1)

    def test_wait_idle_times_out_while_speaking(self, clip_dir: Path) -> None:
        player = FakeClipPlayer(seconds=0.3)
        q = VoiceQueue(player, [clip_dir])
        q.announce("A001", 1)
        assert not q.wait_idle(0.01)
        assert q.wait_idle(5)
        q.close()

    def test_full_queue_drops_and_logs(
        self, clip_dir: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        gate = threading.Event()

        class Blocked(FakeClipPlayer):
            def play(self, paths: list[Path]) -> None:
                gate.wait(5)
                super().play(paths)

        player = Blocked()
        q = VoiceQueue(player, [clip_dir], max_pending=2)
        with caplog.at_level(logging.WARNING):
            for i in range(6):
                q.announce(f"A00{i}", 1)
        gate.set()
        assert q.wait_idle(5)
        q.close()
        assert 2 <= len(player.played) <= 3  # one being played, two waiting
        assert any("dropped" in r.getMessage() for r in caplog.records)
