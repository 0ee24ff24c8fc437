"""Regenerate the bundled voice clips (espeak-ng speech + a synthesized chime) as trimmed WAV files."""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from counter_app.services.voice import CHIME, clip_texts  # noqa: E402

RATE = 22050  # espeak-ng's own output rate; the chime is made at the same rate
PEAK = 0.89  # speech peak after normalising (about -1 dBFS)
CHIME_PEAK = 0.6  # the chime is a little softer than the voice
WINDOW_MS = 10
# A 10 ms window is sound when its RMS exceeds this share of the clip's peak. espeak-ng's
# silence is exact zeros, so this is low enough to keep quiet onsets like the h of "hát".
THRESHOLD = 0.005
PAD_BEFORE_MS = 10
PAD_AFTER_MS = 25
FADE_MS = 5


def _read(path: Path) -> array[int]:
    with wave.open(str(path), "rb") as w:
        if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE):
            raise SystemExit(
                f"{path}: espeak-ng gave {w.getparams()}, expected mono 16-bit {RATE} Hz"
            )
        samples = array("h")
        samples.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _write(path: Path, samples: array[int]) -> None:
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def trim(samples: array[int]) -> array[int]:
    """Cut the silence before and after the sound, keep a short pad, fade the edges."""
    peak = max((abs(s) for s in samples), default=0)
    if peak == 0:
        raise ValueError("silent clip")
    win = RATE * WINDOW_MS // 1000
    loud = [
        i
        for i in range(0, len(samples), win)
        if math.sqrt(sum(s * s for s in samples[i : i + win]) / len(samples[i : i + win]))
        > THRESHOLD * peak
    ]
    start = max(0, loud[0] - RATE * PAD_BEFORE_MS // 1000)
    end = min(len(samples), loud[-1] + win + RATE * PAD_AFTER_MS // 1000)
    out = array("h", samples[start:end])
    fade = RATE * FADE_MS // 1000
    for i in range(min(fade, len(out) // 2)):
        g = i / fade
        out[i] = int(out[i] * g)
        out[-1 - i] = int(out[-1 - i] * g)
    return out


def normalise(samples: array[int], peak: float = PEAK) -> array[int]:
    top = max(abs(s) for s in samples)
    gain = peak * 32767 / top
    return array("h", (max(-32768, min(32767, round(s * gain))) for s in samples))


def chime(rate: int = RATE) -> array[int]:
    """A two-tone "ding-dong" (E5 then C5), soft bell partials with exponential decay."""
    notes = ((0.0, 659.25), (0.42, 523.25))  # (start s, fundamental Hz)
    partials = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08), (4.16, 0.04))  # (multiple, amplitude)
    total = 1.6
    tail = 0.12  # silence after the ring, before the voice starts
    n = int(total * rate)
    out = [0.0] * (n + int(tail * rate))
    for start, f0 in notes:
        first = int(start * rate)
        for i in range(n - first):
            t = i / rate
            env = min(1.0, t / 0.004) * math.exp(-t / 0.38)
            s = sum(
                a * math.sin(2 * math.pi * f0 * m * t) * math.exp(-t * (m - 1) * 1.5)
                for m, a in partials
            )
            out[first + i] += env * s
    # fade the last 50 ms of the ring to zero
    fade = int(0.05 * rate)
    for i in range(fade):
        out[n - fade + i] *= 1 - i / fade
    top = max(abs(x) for x in out)
    return array("h", (round(x / top * CHIME_PEAK * 32767) for x in out))


# What espeak-ng is given where the written word would be misread: it reads "gi" alone as a
# bare consonant, "di" sounds the same (/zi/ in the north, /ji/ in the south).
RESPELL = {"chu_j": "di"}


def speak(text: str, voice: str, speed: int, tmp: Path) -> array[int]:
    raw = tmp / "raw.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return _read(raw)


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--voice", default="vi", help="espeak-ng voice: vi, vi-vn-x-central, vi-vn-x-south"
    )
    parser.add_argument(
        "--out", type=Path, default=here / "vi", help="folder to write the clips to"
    )
    parser.add_argument("--speed", type=int, default=135, help="words per minute (espeak-ng -s)")
    parser.add_argument(
        "--list", action="store_true", help="print the clip names and texts, make nothing"
    )
    args = parser.parse_args(argv)

    texts = clip_texts()
    if args.list:
        print(f"{CHIME}\t(two-tone ding-dong)")
        for name, text in texts.items():
            print(f"{name}\t{text}")
        return 0
    if shutil.which("espeak-ng") is None:
        print("espeak-ng not found (Debian/Ubuntu: apt-get install espeak-ng)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / f"{CHIME}.wav", chime())
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts.items():
            _write(
                args.out / f"{name}.wav",
                normalise(trim(speak(RESPELL.get(name, text), args.voice, args.speed, Path(tmp)))),
            )
    expected = {CHIME, *texts}
    extra = sorted(p.stem for p in args.out.glob("*.wav") if p.stem not in expected)
    if extra:
        print(f"note: {args.out} also holds clips this set does not use: {', '.join(extra)}")
    print(f"{len(expected)} clips written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
