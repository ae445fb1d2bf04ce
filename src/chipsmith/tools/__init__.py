"""chipsmith.tools."""
