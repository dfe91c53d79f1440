"""MP3 facts measured from the file itself: a walk over every frame header.

Used to know exactly how long each encoded chapter plays (chapter offsets, SMIL clip times) and by the
quality gates to check that a file decodes as one unbroken stream of frames of the expected format.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from pathlib import Path

BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
SAMPLE_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}
# LAME's encoder delay plus the decoder delay: decoded audio starts this many samples late when the
# file carries no gapless (LAME/Xing) header, as lameenc's raw frames do not.
CODEC_DELAY_SAMPLES = 576 + 529


@dataclass
class Mp3Info:
    frames: int
    sample_rate: int
    samples_per_frame: int
    bitrates: set[int]
    mono: bool
    audio_bytes: int
    trailing_bytes: int          # bytes after the last frame that are not an ID3v1 tag (damage)

    @property
    def duration(self) -> float:
        return self.frames * self.samples_per_frame / self.sample_rate if self.sample_rate else 0.0


def id3v2_size(data: bytes) -> int:
    """Length of a leading ID3v2 tag (0 when there is none)."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    return 10 + size + (10 if data[5] & 0x10 else 0)


def frame_header(data: bytes, pos: int) -> tuple[int, int, int, int, bool] | None:
    """(frame length, sample rate, samples per frame, kbps, mono) of the Layer III frame at ``pos``."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    version, layer = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    kbps = (BITRATES_V1_L3 if version == 3 else BITRATES_V2_L3)[bitrate_index]
    rate = SAMPLE_RATES[version][rate_index]
    per_frame = 1152 if version == 3 else 576
    length = (per_frame // 8) * kbps * 1000 // rate + padding
    return length, rate, per_frame, kbps, (b3 >> 6) == 3


def mp3_info_bytes(data: bytes) -> Mp3Info:
    pos = id3v2_size(data)
    start = pos
    frames, rate, per_frame, mono = 0, 0, 0, True
    bitrates: set[int] = set()
    while True:
        header = frame_header(data, pos)
        if header is None:
            break
        length, rate, per_frame, kbps, is_mono = header
        if pos + length > len(data):
            break
        frames += 1
        bitrates.add(kbps)
        mono = mono and is_mono
        pos += length
    rest = len(data) - pos
    trailing = 0 if rest in (0, 128) and (rest == 0 or data[pos:pos + 3] == b"TAG") else rest
    return Mp3Info(frames=frames, sample_rate=rate, samples_per_frame=per_frame, bitrates=bitrates,
                   mono=mono, audio_bytes=pos - start, trailing_bytes=trailing)


def mp3_info(path: Path) -> Mp3Info:
    """Like ``mp3_info_bytes`` on a file, memory-mapped rather than read: books can be hundreds of MB."""
    with Path(path).open("rb") as fh:
        if fh.seek(0, 2) == 0:
            return mp3_info_bytes(b"")
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return mp3_info_bytes(data)  # type: ignore[arg-type]


def strip_id3v2(data: bytes) -> bytes:
    return data[id3v2_size(data):]
