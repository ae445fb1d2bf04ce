"""The vendored JavaScript is the npm packages' own files, each with its licence, listed in VENDOR.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import chipsmith.web

pytestmark = pytest.mark.unit
VENDOR = Path(chipsmith.web.__file__).parent / "static" / "vendor"


def test_every_vendored_file_has_its_licence_and_the_recorded_hash():
    listed = dict(re.findall(r"^([0-9a-f]{64})  (\S+)$", (VENDOR / "VENDOR.md").read_text(), re.M))
    scripts = sorted(p.relative_to(VENDOR).as_posix() for p in VENDOR.glob("*/*.js"))
    assert scripts == sorted(listed.values()) and scripts
    for digest, rel in listed.items():
        assert hashlib.sha256((VENDOR / rel).read_bytes()).hexdigest() == digest, rel
        assert (VENDOR / rel).parent.joinpath("LICENSE").stat().st_size > 500
