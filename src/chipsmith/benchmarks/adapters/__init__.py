"""Adapters that load published benchmark layouts where they lie (never copied into the repo)."""
