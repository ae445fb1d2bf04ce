"""chipsmith.commands."""
