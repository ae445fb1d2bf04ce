"""Re-record the real yosys / OpenSTA logs the parser unit tests read (run from the repo root).

    .venv/bin/python tests/data/ppa/record_logs.py

Needs yosys and sta; ASAP7 logs also need the ASAP7 library (CHIPSMITH_ASAP7_LIB or tests/data/external/asap7).
"""

from __future__ import annotations

import os
from pathlib import Path

from chipsmith.sandbox.local import LocalSandbox
from chipsmith.tools.equivalence import EquivError, check_equivalence
from chipsmith.tools.synthesize import synthesize

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[2] / "examples" / "ppa"
ASAP7 = Path(
    os.environ.get(
        "CHIPSMITH_ASAP7_LIB", HERE.parents[3] / "shared/external/asap7/asap7sc7p5t_rvt_TT_merged.lib.gz"
    )
)


def src(name: str) -> dict[str, bytes]:
    return {name: (EXAMPLES / name).read_bytes()}


def save(name: str, text: str) -> None:
    (HERE / name).write_text(text)
    print("wrote", name)


def main() -> None:
    sb = LocalSandbox()
    for design in ("adder16", "counter8"):
        r = synthesize(src(f"{design}.v"), sandbox=sb)
        ylog, stalog = r.log.split("\n--- sta ---\n")
        save(f"synth_{design}_generic45.yosys.log", ylog)
        save(f"synth_{design}_generic45.sta.log", stalog)
    if ASAP7.exists():
        r = synthesize(src("counter8.v"), liberty=[ASAP7], sandbox=sb)
        save("synth_counter8_asap7.sta.log", r.log.split("\n--- sta ---\n")[1])
    for gold, gate, tag in (
        ("adder16.v", "ripple16.v", "comb_equal"),
        ("adder16.v", "ripple16_bug.v", "comb_differ"),
        ("counter8.v", "counter8_toggle.v", "seq_equal"),
        ("counter8.v", "counter8_bug.v", "seq_differ"),
    ):
        save(f"equiv_{tag}.log", check_equivalence(src(gold), src(gate), sandbox=sb).log)
    save(
        "equiv_seq_bounded.log",
        check_equivalence(src("counter8.v"), src("counter8_bug.v"), depth=5, sandbox=sb).log,
    )
    try:
        check_equivalence(src("adder16.v"), {"c.v": (EXAMPLES / "counter8.v").read_bytes()}, sandbox=sb)
    except EquivError as exc:
        print("port mismatch:", exc)


if __name__ == "__main__":
    main()
