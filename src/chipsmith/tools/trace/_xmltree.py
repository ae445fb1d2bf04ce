"""Pure: lookups in Verilator's XML: files, the type table, modules, source locations."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from chipsmith.tools.trace._design import Line


class XmlTree:
    """One XML tree with the source texts it was made from (for parameter uses)."""

    def __init__(self, root: ET.Element, texts: Mapping[str, str]) -> None:
        self.root = root
        self.lines_of = {name: text.splitlines() for name, text in texts.items()}
        self.files = {f.get("id", ""): f.get("filename", "") for f in self.root.iter("file")}
        self.dtypes = {
            t.get("id", ""): t for t in self.root.iter() if t.get("id") and t.tag.endswith("dtype")
        }
        self.modules = {m.get("name", ""): m for m in self.root.iter("module")}

    def width(self, type_id: str | None, depth: int = 0) -> tuple[int, bool]:
        """(bits per element, is an unpacked array) of a type from the type table."""
        t = self.dtypes.get(type_id or "")
        if t is None or depth > 20:
            return 1, False
        if t.tag == "unpackarraydtype":
            return self.width(t.get("sub_dtype_id"), depth + 1)[0], True
        if t.tag in ("structdtype", "uniondtype"):
            sizes = [self.width(m.get("sub_dtype_id"), depth + 1)[0] for m in t.iter("memberdtype")]
            return (sum(sizes) if t.tag == "structdtype" else max(sizes, default=1)), False
        if t.get("left") is not None and t.get("right") is not None:
            return abs(int(t.get("left", "0")) - int(t.get("right", "0"))) + 1, False
        if t.get("sub_dtype_id"):
            return self.width(t.get("sub_dtype_id"), depth + 1)
        return (32 if t.get("name") in ("integer", "int") else 1), False

    def types(self) -> dict[str, tuple[int, bool]]:
        """Every dtype id -> (width, signed)."""
        return {i: (self.width(i)[0], t.get("signed") == "true") for i, t in self.dtypes.items()}

    def loc_lines(self, loc: str) -> set[Line]:
        """The first and last line of a ``file,line,col,line,col`` location."""
        parts = loc.split(",")
        if len(parts) != 5 or not (parts[1].isdigit() and parts[3].isdigit()):
            return set()
        name = self.files.get(parts[0], "")
        return {(name, int(parts[1])), (name, int(parts[3]))} if name and not name.startswith("<") else set()

    def lines(self, el: ET.Element) -> set[Line]:
        """Lines of every node under ``el`` (variable references are skipped: in some trees they
        carry their declaration's location)."""
        out: set[Line] = set()
        for node in el.iter():
            if node.tag != "varref":
                out |= self.loc_lines(node.get("loc", ""))
        return out

    def source_at(self, loc: str) -> str:
        """The source text a one-line location covers ("" when unknown)."""
        parts = loc.split(",")
        if len(parts) != 5 or parts[1] != parts[3] or not all(p.isdigit() for p in parts[1:]):
            return ""
        body = self.lines_of.get(self.files.get(parts[0], ""), [])
        line, start, end = int(parts[1]), int(parts[2]), int(parts[4])
        return body[line - 1][start - 1 : end - 1] if 0 < line <= len(body) else ""
