"""Pure: evaluate a Verilator XML expression on the values a waveform holds at one time.

Only what deciding a branch needs: constants, signals, bit selects, concatenation, extension,
arithmetic, bitwise, reduction, shifts, comparisons (signed and unsigned), logical operators and
the conditional operator. Anything else, or a signal that is unknown or holds X/Z, gives ``None``
("cannot tell"), so a caller keeps every branch instead of guessing one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

Env = Callable[[str], int | None]
"""Signal name (as written in the expression's module) -> its value, None when unknown."""
Types = Mapping[str, tuple[int, bool]]
"""Verilator dtype id -> (width, signed)."""

_CONST = re.compile(r"^(\d+)'(s?)([hbdo])([0-9a-fA-F_]+)$")
_COMPARE = {
    "eq": lambda a, b: a == b, "neq": lambda a, b: a != b, "eqcase": lambda a, b: a == b,
    "neqcase": lambda a, b: a != b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
}  # fmt: skip
_SIGNED_COMPARE = {"lts": "lt", "ltes": "lte", "gts": "gt", "gtes": "gte"}
_ARITH = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "muls": lambda a, b: a * b, "and": lambda a, b: a & b, "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b, "shiftl": lambda a, b: a << min(b, 4096), "shiftr": lambda a, b: a >> b,
}  # fmt: skip


def parse_const(name: str) -> int | None:
    """Pure: ``8'h3c`` / ``32'sh8`` / ``1'b1`` -> its value; None for X/Z digits or another form."""
    m = _CONST.match(name)
    if not m:
        return None
    try:
        return int(m.group(4).replace("_", ""), {"h": 16, "b": 2, "d": 10, "o": 8}[m.group(3)])
    except ValueError:  # x or z digits
        return None


def to_signed(value: int, width: int) -> int:
    return value - (1 << width) if width and value >> (width - 1) & 1 else value


class Evaluator:
    """Evaluates expressions of one design (its type table) on one set of values."""

    def __init__(self, types: Types, env: Env) -> None:
        self.types = types
        self.env = env

    def width(self, el: ET.Element) -> tuple[int, bool]:
        return self.types.get(el.get("dtype_id", ""), (1, False))

    def value(self, el: ET.Element) -> int | None:
        """The value of ``el`` masked to its width; None when it cannot be told."""
        raw = self._raw(el)
        if raw is None:
            return None
        return raw & ((1 << self.width(el)[0]) - 1)

    def truth(self, el: ET.Element) -> bool | None:
        v = self.value(el)
        return None if v is None else v != 0

    def _raw(self, el: ET.Element) -> int | None:
        tag, kids = el.tag, list(el)
        if tag == "const":
            return parse_const(el.get("name", ""))
        if tag == "varref":
            return self.env(el.get("name", ""))
        if tag in ("logand", "logor"):
            return self._logic(tag, kids)
        if tag == "cond" and len(kids) == 3:
            pick = self.truth(kids[0])
            return None if pick is None else self.value(kids[1] if pick else kids[2])
        values = [self.value(k) for k in kids]
        if any(v is None for v in values):
            return None
        return self._apply(tag, kids, values)  # type: ignore[arg-type]

    def _logic(self, tag: str, kids: list[ET.Element]) -> int | None:
        truths = [self.truth(k) for k in kids]
        decisive = tag == "logor"  # the value that settles the result on its own
        if decisive in truths:
            return int(decisive)
        return None if None in truths else int(not decisive)

    def _apply(self, tag: str, kids: list[ET.Element], v: list[int]) -> int | None:
        if tag in _COMPARE and len(v) == 2:
            return int(_COMPARE[tag](v[0], v[1]))
        if tag in _SIGNED_COMPARE and len(v) == 2:
            a, b = (to_signed(x, self.width(k)[0]) for x, k in zip(v, kids, strict=True))
            return int(_COMPARE[_SIGNED_COMPARE[tag]](a, b))
        if tag in _ARITH and len(v) == 2:
            return _ARITH[tag](v[0], v[1])
        if len(v) == 1:
            return self._unary(tag, kids[0], v[0])
        if tag == "sel" and len(v) == 3:
            return v[0] >> v[1] & ((1 << v[2]) - 1)
        if tag == "concat" and len(v) == 2:
            return v[0] << self.width(kids[1])[0] | v[1]
        if tag == "shiftrs" and len(v) == 2:
            return to_signed(v[0], self.width(kids[0])[0]) >> v[1]
        return None

    def _unary(self, tag: str, kid: ET.Element, v: int) -> int | None:
        width = self.width(kid)[0]
        ops: dict[str, Callable[[], int]] = {
            "not": lambda: ~v,
            "lognot": lambda: int(v == 0),
            "negate": lambda: -v,
            "redor": lambda: int(v != 0),
            "redand": lambda: int(v == (1 << width) - 1),
            "redxor": lambda: bin(v).count("1") & 1,
            "extend": lambda: v,
            "extends": lambda: to_signed(v, width),
        }
        return ops[tag]() if tag in ops else None
