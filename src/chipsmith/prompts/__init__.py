"""Prompts are data: Jinja templates rendered with StrictUndefined, found through a search path.

Search order (first match wins): ``<project>/.chipsmith/prompts/``, the user config dir
(``platformdirs.user_config_dir("chipsmith")/prompts``), directories added by plugins
(``add_prompt_dir``, called when a ``chipsmith.plugins`` entry point loads), then the templates in
this package. Dropping ``name.j2`` into the first two overrides or adds a prompt without touching
the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).parent


class PromptError(ValueError):
    """An unknown prompt, or a variable a template needs that was not given (one line)."""


_PLUGIN_DIRS: list[tuple[str, Path]] = []


def add_prompt_dir(path: Path, origin: str = "plugin") -> None:
    """Plugin hook: search ``path`` for ``name.j2`` after the user dirs, before the package.

    ``origin`` names the source in ``chipsmith prompts list`` (e.g. ``plugin:my-plugin``).
    """
    entry = (origin, Path(path))
    if entry not in _PLUGIN_DIRS:
        _PLUGIN_DIRS.append(entry)


def search_dirs(project_dir: Path | None = None) -> list[tuple[str, Path]]:
    """(origin, directory) pairs in search order: project, user, plugins, package."""
    from platformdirs import user_config_dir

    from chipsmith.registry import load_plugins

    load_plugins()
    project = (project_dir or Path.cwd()) / ".chipsmith" / "prompts"
    user = Path(user_config_dir("chipsmith")) / "prompts"
    return [("project", project), ("user", user), *_PLUGIN_DIRS, ("package", PACKAGE_DIR)]


def search_path(project_dir: Path | None = None) -> list[Path]:
    """The directories searched for ``name.j2``, first match wins."""
    return [d for _, d in search_dirs(project_dir)]


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
    return {name: path for name, (_, path) in origins(project_dir).items()}


def origins(project_dir: Path | None = None) -> dict[str, tuple[str, Path]]:
    """Prompt name -> (where it comes from: project, user, plugin..., package; the file), sorted."""
    found: dict[str, tuple[str, Path]] = {}
    for origin, d in search_dirs(project_dir):
        for f in sorted(d.glob("*.j2")) if d.is_dir() else []:
            found.setdefault(f.stem, (origin, f))
    return dict(sorted(found.items()))


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
