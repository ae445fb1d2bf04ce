"""Pure parsers: Verilator 5 and Icarus Verilog 11 messages -> ``Diagnostic`` records.

Formats (recorded from the real tools in tests/data/rtl_sim/logs):

- Verilator: ``%Warning-WIDTH: file.v:3:12: message`` / ``%Error-PINNOTFOUND: file.v:5:27: message``
  / ``%Error: file.v:2:3: syntax error, ...``. Continuation lines (source excerpt, carets,
  ``... For warning description``) follow and are skipped. The closing
  ``%Error: Exiting due to N error(s)`` line is a summary, not a finding.
- Icarus: ``file.v:2: syntax error``, ``file.v:5: error: message``, ``file.v:2: warning: message``,
  ``file.sv:2: sorry: message`` (an unsupported construct: an error), and file-less lines such as
  ``error: Unable to find the root module "x" ...``. Summaries (``I give up.``,
  ``N error(s) during elaboration.``, ``*** These modules were missing:``) are skipped.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

Severity = Literal["error", "warning", "info"]


class Diagnostic(BaseModel):
    """One finding of a lint or compile step."""

    file: str | None
    line: int | None
    column: int | None
    severity: Severity
    code: str | None
    """Verilator's warning/error code (``WIDTH``, ``PINNOTFOUND``), or Icarus's kind (``syntax``, ``sorry``)."""
    message: str
    tool: str

    def one_line(self) -> str:
        """``file:line:col: severity[code]: message`` for terminals and agent observations."""
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        code = f"[{self.code}]" if self.code else ""
        return f"{where + ': ' if where else ''}{self.severity}{code}: {self.message}"


_VL_MSG = re.compile(
    r"^%(?P<sev>Error|Warning|Info)(?:-(?P<code>[A-Z0-9_]+))?:\s*"
    r"(?:(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)?\s*)?(?P<msg>.*)$"
)
_VL_SUMMARY = re.compile(r"^Exiting due to \d+ (?:error|warning)")

_IV_LOCATED = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):\s*(?:(?P<kind>error|warning|sorry):\s*(?P<msg>.*)|(?P<syntax>syntax error)\s*)$"
)
_IV_BARE = re.compile(r"^(?P<kind>error|warning|sorry):\s*(?P<msg>.*)$")
_IV_SEVERITY: dict[str, Severity] = {
    "error": "error",
    "sorry": "error",
    "warning": "warning",
    "syntax": "error",
}


def parse_verilator(log: str) -> list[Diagnostic]:
    """Pure: every ``%Error``/``%Warning`` message in a Verilator log, in order."""
    out = []
    for raw in log.splitlines():
        m = _VL_MSG.match(raw.strip())
        if not m or _VL_SUMMARY.match(m["msg"]):
            continue
        sev: Severity = "error" if m["sev"] == "Error" else "warning" if m["sev"] == "Warning" else "info"
        out.append(
            Diagnostic(
                file=m["file"],
                line=int(m["line"]) if m["line"] else None,
                column=int(m["col"]) if m["col"] else None,
                severity=sev,
                code=m["code"],
                message=m["msg"].strip(),
                tool="verilator",
            )
        )
    return out


def parse_iverilog(log: str) -> list[Diagnostic]:
    """Pure: every error/warning/sorry line an ``iverilog`` compile printed, in order."""
    out = []
    for raw in log.splitlines():
        line = raw.strip()
        if m := _IV_LOCATED.match(line):
            kind = "syntax" if m["syntax"] else m["kind"]
            msg = "syntax error" if m["syntax"] else m["msg"].strip()
            out.append(_iv(kind, msg, m["file"], int(m["line"])))
        elif m := _IV_BARE.match(line):
            out.append(_iv(m["kind"], m["msg"].strip(), None, None))
    return out


def _iv(kind: str, msg: str, file: str | None, line: int | None) -> Diagnostic:
    code = kind if kind in ("syntax", "sorry") else None
    return Diagnostic(
        file=file,
        line=line,
        column=None,
        severity=_IV_SEVERITY[kind],
        code=code,
        message=msg,
        tool="iverilog",
    )


def errors_of(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Pure: only the error-severity diagnostics."""
    return [d for d in diagnostics if d.severity == "error"]
