"""NMEA lines for the tests of the fast path: armoured payloads, tag blocks, random feeds.

A random feed mixes every kind of line the reader meets: the message types the fast
path decodes (random bits, with noise values, repeated MMSIs and out-of-range
positions mixed in), two-part type 5 messages, lines behind tag blocks, after a
logger's seconds or bare, and lines pyais must judge (garbage, comments, blanks, bad
checksums, times that are not plain seconds).
"""

from __future__ import annotations

from functools import reduce

from hypothesis import strategies as st

T0 = 1_709_251_200  # 2024-03-01T00:00:00Z
# Bits per message as transmitted (ITU-R M.1371-5): the lengths the fast path decodes.
LENGTHS = {1: 168, 2: 168, 3: 168, 18: 168, 19: 312, 5: 424}
KINDS = [(1, 0), (2, 0), (3, 0), (18, 0), (19, 0), (5, 0), (24, 0), (24, 1)]
# Where class A (1-3) and class B (18, 19) reports keep speed, longitude, latitude and
# course (ITU-R M.1371-5 tables 46, 48, 49): (offset, width) in bits.
_POSITION_FIELDS = {
    "A": {"speed": (50, 10), "lon": (61, 28), "lat": (89, 27), "course": (116, 12)},
    "B": {"speed": (46, 10), "lon": (57, 28), "lat": (85, 27), "course": (112, 12)},
}
# "Not available" and noise values, as transmitted: 102.3, 51.2 and 63 kn, lon 181,
# lat 91, course 360; and a latitude of 95 degrees, which the mapping rejects.
_NOISE = [
    ("speed", 1023), ("speed", 512), ("speed", 630), ("lon", 181 * 600_000),
    ("lat", 91 * 600_000), ("course", 3600), ("lat", 95 * 600_000),
]  # fmt: skip
MMSIS = [227006760, 227006761, 538007900, 1]  # repeated, so entities repeat


def checksum(text: str) -> str:
    return f"{reduce(lambda acc, char: acc ^ ord(char), text, 0):02X}"


def tagged(sentence: str, seconds: int) -> str:
    body = f"c:{seconds}"
    return f"\\{body}*{checksum(body)}\\{sentence}"


def armoured(bits: str) -> tuple[str, int]:
    """Bits as the 6-bit ASCII armour of an AIS payload, with the fill bits added."""
    fill = -len(bits) % 6
    padded = bits + "0" * fill
    values = [int(padded[i : i + 6], 2) for i in range(0, len(padded), 6)]
    return "".join(chr(v + 48 if v < 40 else v + 56) for v in values), fill


def sentences(bits: str, seq_id: int) -> list[str]:
    """The message as sentences of at most 60 characters (two for a type 5)."""
    payload, fill = armoured(bits)
    chunks = [payload[i : i + 60] for i in range(0, len(payload), 60)]
    lines = []
    for number, chunk in enumerate(chunks, start=1):
        seq = seq_id if len(chunks) > 1 else ""
        body = (
            f"AIVDM,{len(chunks)},{number},{seq},A,{chunk},{fill if number == len(chunks) else 0}"
        )
        lines.append(f"!{body}*{checksum(body)}")
    return lines


def _set(bits: str, offset: int, width: int, value: int) -> str:
    return bits[:offset] + f"{value % (1 << width):0{width}b}" + bits[offset + width :]


@st.composite
def message_bits(draw: st.DrawFn) -> str:
    """Random bits of a whole message of a decoded type, sometimes with a repeated MMSI
    or a noise value."""
    kind, part = draw(st.sampled_from(KINDS))
    length = LENGTHS.get(kind, 160 if part == 0 else 168)
    bits = f"{kind:06b}" + f"{draw(st.integers(0, 2 ** (length - 6) - 1)):0{length - 6}b}"
    if kind == 24:
        bits = _set(bits, 38, 2, part)
    if draw(st.booleans()):
        bits = _set(bits, 8, 30, draw(st.sampled_from(MMSIS)))
    if kind in (1, 2, 3, 18, 19) and draw(st.booleans()):
        name, value = draw(st.sampled_from(_NOISE))
        offset, width = _POSITION_FIELDS["A" if kind < 4 else "B"][name]
        bits = _set(bits, offset, width, value)
    return bits


_BODY = "AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0"
_GOOD = f"!{_BODY}*{checksum(_BODY)}"
_EMPTY = "AIVDM,1,1,,A,,0"
_ALONE = "AIVDM,2,2,7,A,00000000000,2"
_BROKEN = [
    "",
    "# a comment",
    "   ",
    "garbage",
    f"!{_EMPTY}*{checksum(_EMPTY)}",
    f"!{_BODY}*{int(checksum(_BODY), 16) ^ 1:02X}",  # bad checksum
    f"!{_ALONE}*{checksum(_ALONE)}",  # a second part alone
    f"\\c:1709251200.5*{checksum('c:1709251200.5')}\\{_GOOD}",  # not whole seconds
    f"\\c:1709251200*00\\{_GOOD}",  # bad tag block checksum
    f"\\s:r01,c:1709251200*{checksum('s:r01,c:1709251200')}\\{_GOOD}",
    f"12345678 {_GOOD}",  # too short for UNIX seconds
    f"1709251200  {_GOOD}",
    f"2024-03-01T00:00:00Z;{_GOOD}",
    f"{_GOOD},1709251200",
    f"{_GOOD} ",
    f"{_GOOD}\udcff",
]


@st.composite
def feeds(draw: st.DrawFn, max_size: int = 12) -> list[str]:
    """Lines of a random feed: messages behind tag blocks, after logger times or bare,
    and lines only pyais can judge."""
    lines: list[str] = []
    for index in range(draw(st.integers(1, max_size))):
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(_BROKEN)))
            continue
        timing = draw(st.sampled_from(["tag", "logger", "bare"]))
        for sentence in sentences(draw(message_bits()), seq_id=index % 10):
            seconds = T0 + index
            if timing == "tag":
                lines.append(tagged(sentence, seconds))
            elif timing == "logger":
                lines.append(f"{seconds} {sentence}")
            else:
                lines.append(sentence)
    return lines
