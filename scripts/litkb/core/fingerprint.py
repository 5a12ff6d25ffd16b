"""Quote fingerprints: what is stored of a full text so that quotes can be checked without it.

Input: the words of a full text (or of a quote) and the fingerprint's parameters. Output: the
stored values and their JSON form. The design and its limits are explained in CONTRIBUTING.md
("How quotes are checked without the full texts"); in short:

- every window of :data:`WINDOW` consecutive words, at every offset, is hashed with scrypt under a
  salt of its own text, and only :data:`BITS` bits of each hash are kept. A quote of ``m`` words is
  checked by its ``m - WINDOW + 1`` windows: found where they all match at consecutive positions.
- With so few bits per window, the word after a public quote cannot be singled out: trying every
  word of the vocabulary leaves about one in ``2 ** BITS`` of them (hundreds of words), while a
  word changed inside a quote must fool every window that covers it (``WINDOW`` windows, all of
  ``BITS * WINDOW`` bits).
- A quote is reported as checked only when its windows carry enough bits to tell it apart from
  every other place of the text with a false-pass chance below ``2 ** -SECURITY_BITS``.

Reading and validating a fingerprint file is :mod:`litkb.load.fingerprint`; writing one is
:mod:`litkb.contrib.fingerprints`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

FORMAT = "litkb-fingerprint/1"
WINDOW = 8
BITS = 2
SECURITY_BITS = 16
# scrypt's cost: N (memory and time), r (block size), p (parallelism). About 20 microseconds per
# window here: a whole note verifies in a fraction of a second, and every try of an attacker costs
# the same (see CONTRIBUTING.md for what that does and does not buy).
SCRYPT_N = 64
SCRYPT_R = 1
SCRYPT_P = 1
_SALT_PREFIX = b"litkb fingerprint salt\0"
_LINE = 76


@dataclass(frozen=True)
class Params:
    """How the windows are made: their length in words, the bits kept of each, scrypt's cost."""

    window: int = WINDOW
    bits: int = BITS
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P


@dataclass(frozen=True)
class Fingerprint:
    """The fingerprint of one full text.

    ``values`` holds one value (``0 .. 2**bits - 1``) per window start, ``words - window + 1`` of
    them; ``pages`` the index of the first word of each page with its label (empty for a text
    without pages).
    """

    key: str
    words: int
    salt: bytes
    params: Params
    values: bytes
    pages: tuple[tuple[int, str], ...] = ()

    def value_of(self, window_words: Sequence[str]) -> int:
        return window_value(window_words, self.salt, self.params)

    def pattern(self, quote_words: Sequence[str]) -> bytes:
        """The values a passage of these words has in this text (one per window)."""
        w = self.params.window
        return bytes(self.value_of(quote_words[i : i + w]) for i in range(len(quote_words) - w + 1))


def salt_for(key: str, text_words: Sequence[str]) -> bytes:
    """The salt of a text: derived from its key and its words, so that the same text always gets
    the same fingerprint (outputs are deterministic) and nobody can prepare tables before it is
    published."""
    digest = hashlib.sha256(_SALT_PREFIX + key.encode("utf-8") + b"\0" + " ".join(text_words).encode("utf-8"))
    return digest.digest()[:16]


def window_value(window_words: Sequence[str], salt: bytes, params: Params) -> int:
    """The ``params.bits`` bits kept of the scrypt hash of one window of words."""
    digest = hashlib.scrypt(" ".join(window_words).encode("utf-8"), salt=salt, n=params.n, r=params.r, p=params.p, dklen=4)
    return int.from_bytes(digest, "big") >> (32 - params.bits)


def make_fingerprint(key: str, text_words: Sequence[str], page_starts: Sequence[tuple[int, str]] = (), params: Params = Params()) -> Fingerprint:
    """The fingerprint of a text given as its words (and the first word of each labelled page)."""
    salt = salt_for(key, text_words)
    w = params.window
    values = bytes(window_value(text_words[i : i + w], salt, params) for i in range(len(text_words) - w + 1))
    return Fingerprint(key, len(text_words), salt, params, values, tuple(page_starts))


def needed_windows(positions: int, params: Params) -> int:
    """How many windows a quote needs to be told apart from every one of ``positions`` places
    with a false-pass chance below ``2 ** -SECURITY_BITS``: ``bits * windows >= log2(positions) + SECURITY_BITS``."""
    return math.ceil((math.log2(max(positions, 1)) + SECURITY_BITS) / params.bits)


def pack(values: bytes, bits: int) -> list[str]:
    """The values as a bit string, base64, in lines of 76 characters (small, readable diffs)."""
    digits = "".join(format(value, f"0{bits}b") for value in values)
    digits += "0" * (-len(digits) % 8)
    raw = bytes(int(digits[i : i + 8], 2) for i in range(0, len(digits), 8))
    text = base64.b64encode(raw).decode("ascii")
    return [text[i : i + _LINE] for i in range(0, len(text), _LINE)]


def unpack(lines: Sequence[str], count: int, bits: int) -> bytes:
    """The inverse of :func:`pack` (raises ValueError on bad base64 or a wrong length)."""
    raw = base64.b64decode("".join(lines), validate=True)
    if len(raw) != math.ceil(count * bits / 8):
        raise ValueError(f"{len(raw)} bytes of values for {count} windows of {bits} bits")
    digits = "".join(format(byte, "08b") for byte in raw)
    return bytes(int(digits[i * bits : (i + 1) * bits], 2) for i in range(count))


def to_text(fingerprint: Fingerprint) -> str:
    """The file's text: :func:`to_json` with one line per field, page and line of values (so a
    regenerated fingerprint shows in a diff as the lines that changed)."""
    data = to_json(fingerprint)
    lines = []
    for name, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in value)
            lines.append(f"{json.dumps(name)}: [\n{items}\n ]")
        else:
            lines.append(f"{json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def to_json(fingerprint: Fingerprint) -> dict[str, object]:
    """The JSON form of a fingerprint (written by ``kb fingerprint``)."""
    p = fingerprint.params
    return {
        "format": FORMAT,
        "key": fingerprint.key,
        "words": fingerprint.words,
        "window": p.window,
        "bits": p.bits,
        "hash": {"name": "scrypt", "n": p.n, "r": p.r, "p": p.p},
        "salt": fingerprint.salt.hex(),
        "pages": [[start, label] for start, label in fingerprint.pages],
        "values": pack(fingerprint.values, p.bits),
    }
