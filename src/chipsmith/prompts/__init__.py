"""Prompts are data: Jinja templates rendered with StrictUndefined, found through a search path.

Search order (first match wins): ``<project>/.chipsmith/prompts/``, the user config dir
(``platformdirs.user_config_dir("chipsmith")/prompts``), then the templates in this package.
Dropping ``name.j2`` into the first two overrides or adds a prompt without touching the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).parent


class PromptError(ValueError):
    """An unknown prompt, or a variable a template needs that was not given (one line)."""


def search_path(project_dir: Path | None = None) -> list[Path]:
    """The directories searched for ``name.j2``, first match wins."""
    from platformdirs import user_config_dir

    project = (project_dir or Path.cwd()) / ".chipsmith" / "prompts"
    return [project, Path(user_config_dir("chipsmith")) / "prompts", PACKAGE_DIR]


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # prompts are plain text, never HTML
    )


def available(project_dir: Path | None = None) -> dict[str, Path]:
    """Prompt name -> the file that would be rendered."""
    found: dict[str, Path] = {}
    for d in search_path(project_dir):
        for f in sorted(d.glob("*.j2")) if d.is_dir() else []:
            found.setdefault(f.stem, f)
    return found


def render(name: str, project_dir: Path | None = None, **variables: Any) -> str:
    """Render prompt ``name`` (without ``.j2``); a missing variable is an error, never blank text."""
    import jinja2

    env = _environment(tuple(search_path(project_dir)))
    try:
        return str(env.get_template(f"{name}.j2").render(**variables))
    except jinja2.TemplateNotFound:
        known = ", ".join(sorted(available(project_dir))) or "none"
        raise PromptError(f"unknown prompt {name!r}; known: {known}") from None
    except jinja2.UndefinedError as exc:
        raise PromptError(f"prompt {name!r}: {exc.message}") from None
