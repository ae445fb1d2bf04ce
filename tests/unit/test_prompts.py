"""Prompt templates: StrictUndefined, project overrides, clear errors."""

from __future__ import annotations

import pytest

from chipsmith.prompts import PromptError, available, render

pytestmark = pytest.mark.unit


def test_bundled_prompt_renders(tmp_path):
    text = render(
        "rtl_design",
        project_dir=tmp_path,
        spec="Add a and b.",
        interface="module add(...);",
        top="add",
        examples=[],
    )
    assert "Add a and b." in text and "module `add`" in text


def test_missing_variable_is_an_error(tmp_path):
    with pytest.raises(PromptError, match="'spec' is undefined"):
        render("rtl_design", project_dir=tmp_path, interface="x", top="t", examples=[])


def test_project_dir_overrides_and_adds(tmp_path):
    pdir = tmp_path / ".chipsmith" / "prompts"
    pdir.mkdir(parents=True)
    (pdir / "rtl_design.j2").write_text("custom {{ top }}")
    (pdir / "mine.j2").write_text("hello {{ who }}")
    assert render("rtl_design", project_dir=tmp_path, top="t") == "custom t"
    assert render("mine", project_dir=tmp_path, who="you") == "hello you"
    assert available(tmp_path)["mine"] == pdir / "mine.j2"


def test_unknown_prompt_lists_known(tmp_path):
    with pytest.raises(PromptError, match="unknown prompt 'nope'; known: .*kernel_design"):
        render("nope", project_dir=tmp_path)
