"""Settings: defaults < chipsmith.toml (project dir) < CHIPSMITH_* environment < CLI flags.

One pydantic model; each field has a docstring. ``load_settings(**flags)`` merges the layers
(flags that are None are ignored, so a CLI can pass every option through unconditionally).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE = "chipsmith.toml"


class Settings(BaseSettings):
    """Every setting chipsmith reads. Field docstrings are the user documentation."""

    model_config = SettingsConfigDict(env_prefix="CHIPSMITH_", extra="ignore", toml_file=CONFIG_FILE)

    home: Path = Field(default=Path(".chipsmith"))
    """Project state directory: knowledge store, runs, sessions, caches."""

    sandbox: str = "local"
    """Sandbox backend that runs tools and generated code (`local`, `docker`, or a plugin's)."""

    docker_image: str | None = None
    """Docker image for the docker sandbox; default: the image built from the bundled recipe."""

    timeout_s: float = 60.0
    """Default wall-clock limit for one sandboxed command."""

    memory_mb: int = 4096
    """Default address-space / memory limit for one sandboxed command."""

    model: str | None = None
    """LLM spec, e.g. `openai:gpt-4o-mini`, or `fake` for the scripted offline model."""

    openai_base_url: str | None = None
    """Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp)."""

    jobs: int = 1
    """Parallel benchmark jobs."""

    executor: str = "local"
    """Benchmark executor: `local` (process pool) or `ray`."""

    ray_address: str | None = None
    """Address of an existing Ray cluster; default: start a local one."""

    chroma_url: str | None = None
    """URL of a `chroma run` server; default: an embedded store under `home`/kb."""

    liberty: list[Path] = Field(default_factory=list)
    """Liberty files for synthesis; default: the bundled generic library."""

    clock_period_ps: float = 1000.0
    """Clock period used for timing and fmax reports."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: flags, then environment, then the project file.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(**flags: Any) -> Settings:
    """Merge the layers; ``None`` flags mean "not given on the command line"."""
    return Settings(**{k: v for k, v in flags.items() if v is not None})
