"""Static checks on an RTL candidate before it is simulated: things a design must never do.

A candidate is compiled together with the hidden testbench, so it could end the simulation early
or print the testbench's verdict line itself. Designs have no business doing either.
"""

from __future__ import annotations

import re

# Ending or aborting the simulation belongs to the testbench.
_CONTROL_TASKS = re.compile(r"\$(finish|stop|exit|fatal)\b")
# Verdict lines the simulate tool's parser reads.
_VERDICT_TEXT = re.compile(r"Mismatches\s*:|Your\s+Design\s+Passed|TIMEOUT", re.I)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def strip_comments(src: str) -> str:
    """Pure: Verilog source without // and /* */ comments."""
    return _COMMENT.sub(" ", src)


def candidate_findings(files: dict[str, str]) -> list[str]:
    """Pure: one line per forbidden construct found in the candidate's files (empty: clean)."""
    findings = []
    for name, src in sorted(files.items()):
        code = strip_comments(src)
        for match in _CONTROL_TASKS.finditer(code):
            findings.append(
                f"{name}: ${match.group(1)} in a design (simulation control belongs to the testbench)"
            )
        if any(_VERDICT_TEXT.search(lit) for lit in _STRING.findall(code)):
            findings.append(f"{name}: prints testbench verdict text")
    return findings
