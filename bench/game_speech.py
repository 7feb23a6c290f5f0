"""Speech lines of Debian's voiced adventure games, labelled by the character who says them.

Formats as ScummVM reads them (engines/queen/resource.cpp and talk.cpp, engines/drascula/talk.cpp):
- Flight of the Amazon Queen (`queen.1c`, the rebuilt CD version): `QTBL`, a 6-byte version, 2
  spare bytes, a compression byte, then a big-endian table (count, then per entry a 12-byte name,
  a bundle byte, offset and size). Dialogue speech is `%2d%4x%c%d.SB`: the dialogue's talk key
  (read from its `.DOG` file, 20 bytes of header then level count, unique key, talk key), the
  line, `J` for Joe or `P` for the person the `.DOG` file is named after, the segment; Joe's
  own remarks are `JOE*.SB`. Each `.SB` here is an MP3 stream.
- Drascula (`drascula/en`, `drascula/es`): one raw unsigned 8-bit 11,025 Hz mono file per line,
  named by the talking function's prefix (`I%i.als` Igor, `VB%i.als` Von Braun, ...)."""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile as sf

DRASCULA_RATE = 11025
# The prefix of each talking function in engines/drascula/talk.cpp and whom it voices. `D` is
# Drascula only up to line 40 (later `d` files belong to the blind man and other scenes);
# prefixes whose speaker the engine does not make plain (`S`, `F`) are left out.
DRASCULA_PREFIXES = {"": "hacker", "B": "drunk", "BJ": "bj", "D": "drascula", "E": "musician", "I": "igor",
                     "L": "wolf", "P": "pianist", "T": "bartender", "VB": "vonbraun"}
# Dialogue files whose person is no single character (a generic "man", a dog's barks).
QUEEN_SKIP = {"MAN", "DOG"}


def queen_table(data: bytes) -> dict[str, tuple[int, int]]:
    """The rebuilt data file's table of contents: name -> (offset, size)."""
    if data[:4] != b"QTBL":
        raise ValueError("not a rebuilt FOTAQ data file (no QTBL header)")
    count = struct.unpack(">H", data[13:15])[0]
    table: dict[str, tuple[int, int]] = {}
    at = 15
    for _ in range(count):
        name = data[at:at + 12].split(b"\0")[0].decode("ascii")
        offset, size = struct.unpack(">II", data[at + 13:at + 21])
        table[name] = (offset, size)
        at += 21
    return table


def queen_lines(path: Path) -> Iterator[tuple[str, str, np.ndarray, int]]:
    """(speaker, line name, float32 samples, rate) for every dialogue and Joe line."""
    data = path.read_bytes()
    table = queen_table(data)
    person_of: dict[int, str] = {}
    for name, (offset, _) in table.items():
        if name.endswith(".DOG"):
            talk_key = struct.unpack(">h", data[offset + 24:offset + 26])[0]
            person_of[talk_key] = re.sub(r"\d+$", "", name[:-4]).lower()
    pattern = re.compile(r"([ \d]\d)([0-9A-F ]{4}|SSSS|XXXX)([JP])\d\.SB")
    for name, (offset, size) in sorted(table.items()):
        speaker = None
        if name.startswith("JOE") and name.endswith(".SB"):
            speaker = "joe"
        elif (match := pattern.fullmatch(name)) is not None:
            person = person_of.get(int(match.group(1)))
            speaker = "joe" if match.group(3) == "J" else person
        if speaker is None or speaker.upper() in QUEEN_SKIP:
            continue
        try:
            samples, rate = sf.read(io.BytesIO(data[offset:offset + size]), dtype="float32")
        except (RuntimeError, sf.LibsndfileError):
            continue
        if samples.ndim > 1:
            samples = samples.mean(axis=1)
        yield speaker, name, samples, int(rate)


def drascula_lines(directory: Path) -> Iterator[tuple[str, str, np.ndarray, int]]:
    """(speaker, line name, float32 samples, rate) for every line of a known speaker."""
    for path in sorted(directory.iterdir()):
        match = re.fullmatch(r"([A-Z]*)(\d+)\.ALS", path.name.upper())
        if match is None or match.group(1) not in DRASCULA_PREFIXES:
            continue
        if match.group(1) == "D" and int(match.group(2)) > 40:
            continue
        raw = np.frombuffer(path.read_bytes(), dtype=np.uint8)
        samples = (raw.astype(np.float32) - 128.0) / 128.0
        yield DRASCULA_PREFIXES[match.group(1)], path.name, samples, DRASCULA_RATE
