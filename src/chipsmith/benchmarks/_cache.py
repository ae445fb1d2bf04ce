"""Moved to ``chipsmith._cache`` (below tools and benchmarks, so both may use it); kept for importers."""

from chipsmith._cache import JsonCache, content_key, files_key

__all__ = ["JsonCache", "content_key", "files_key"]
