"""Record a ``chipsmith chat`` transcript for docs/chat.md: type the demo's lines into a real chat
in a pseudo-terminal and print what it showed, as plain text.

    .venv/bin/python tests/integration/chat/data/record_demo.py                 # the scripted model
    .venv/bin/python tests/integration/chat/data/record_demo.py --model local   # the embedded model

The workspace starts with the user's draft of adder8 (the one with a carry bug).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import pexpect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|[\x01\x02]")
LINES = [
    "Write a testbench for the 8-bit adder adder8 (a + b + cin, 9-bit result) and check my rtl/adder8.v with it.",
    "/files",
    "/wave",
    "Fix the design, then tell me its area.",
    "/diff rtl/adder8.v",
    "/ppa",
    "/budget",
    "/exit",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="scripted:adder8_demo.yaml")
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="chat-demo-", dir="/tmp"))
    (work / "ws" / "rtl").mkdir(parents=True)
    (work / "adder8_demo.yaml").write_text((HERE / "adder8_demo.yaml").read_text())
    (work / "ws" / "rtl" / "adder8.v").write_text((ROOT / "tests/data/verify/adder8_bug.v").read_text())
    env = {
        **os.environ,
        "CHIPSMITH_HOME": str(work / "home"),
        "CHIPSMITH_LLM_CACHE": "false",
        "TERM": "xterm",
    }
    for name in ("CHIPSMITH_MODEL", "COLUMNS", "LINES", "NO_COLOR"):  # rich prefers COLUMNS to the pty's size
        env.pop(name, None)
    cmd = ["-m", "chipsmith.cli", "chat", "--model", args.model, "--workspace", "ws"]
    child = pexpect.spawn(sys.executable, cmd, cwd=str(work), env=env, dimensions=(50, 110),
                          encoding="utf-8", timeout=args.timeout)  # fmt: skip
    raw: list[str] = []
    for line in LINES:
        child.expect_exact("you> ")
        raw.append(f"{child.before}you> ")
        child.sendline(line)
    child.expect(pexpect.EOF)
    raw.append(str(child.before))
    text = ANSI.sub("", "".join(raw)).replace("\r", "")
    # the spinner redraws in place on a terminal; in a capture each frame would stay
    print("\n".join(ln for ln in text.splitlines() if "opening the model..." not in ln))


if __name__ == "__main__":
    main()
