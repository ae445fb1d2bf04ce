"""The image recipe (hash, tag, packages) and the offline builder's commands; mirror parsing on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.sandbox.image import recipe
from chipsmith.sandbox.image.builder import offline_steps
from chipsmith.sandbox.image.mirror import find_mirror, mirrors_from_deb822, mirrors_from_list

pytestmark = pytest.mark.unit
DATA = Path(__file__).parents[2] / "data" / "sandbox"


def test_package_list_has_the_tools_and_ignores_comments():
    pkgs = recipe.parse_packages("# c\niverilog  # sim\n\nyosys\n")
    assert pkgs == ["iverilog", "yosys"]
    assert {"iverilog", "verilator", "yosys", "opensta", "python3", "python3-numpy", "g++"} <= set(
        recipe.packages()
    )


def test_recipe_hash_changes_with_packages_and_dockerfile_only():
    base = recipe.recipe_hash(["a", "b"], "FROM x")
    assert base == recipe.recipe_hash(["a", "b"], "FROM x")
    assert (
        len({base, recipe.recipe_hash(["a", "c"], "FROM x"), recipe.recipe_hash(["a", "b"], "FROM y")}) == 3
    )
    assert recipe.default_image() == f"chipsmith-sandbox:{recipe.recipe_hash()}"


def test_import_changes_mirror_the_dockerfile():
    text = recipe.dockerfile_text()
    for change in recipe.import_changes():
        word, _, value = change.partition(" ")
        assert word in text and value.split("=")[0] in text


def test_offline_steps_bootstrap_then_install_without_recommends(tmp_path):
    steps = dict(offline_steps(tmp_path / "r", "http://mirror/debian", ["iverilog", "yosys"], "abc"))
    assert steps["debootstrap"] == [
        "debootstrap",
        "--variant=minbase",
        "bookworm",
        str(tmp_path / "r"),
        "http://mirror/debian",
    ]
    install = steps["apt-get install"]
    assert install[:2] == ["chroot", str(tmp_path / "r")] and "--no-install-recommends" in install
    assert install[-2:] == ["iverilog", "yosys"]
    assert steps["tar rootfs"][-1] == "."


def test_mirror_from_recorded_deb822_sources():
    text = (DATA / "debian.sources").read_text()
    assert mirrors_from_deb822(text, "bookworm") == ["http://deb.debian.org/debian"]
    assert mirrors_from_deb822(text, "bookworm-security") == ["http://deb.debian.org/debian-security"]
    assert mirrors_from_deb822(text, "trixie") == []


def test_mirror_from_one_line_format_with_options():
    text = "# x\ndeb [signed-by=/k.gpg arch=amd64] http://m.example/debian bookworm main\ndeb-src http://s bookworm main\n"
    assert mirrors_from_list(text, "bookworm") == ["http://m.example/debian"]


def test_find_mirror_ignores_disabled_files_and_falls_back(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "x.list.disabled").write_text("deb http://wrong bookworm main\n")
    assert find_mirror("bookworm", tmp_path) == "http://deb.debian.org/debian"
    (tmp_path / "sources.list.d" / "y.list").write_text("deb http://right/debian bookworm main\n")
    assert find_mirror("bookworm", tmp_path) == "http://right/debian"
