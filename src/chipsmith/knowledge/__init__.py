"""chipsmith.knowledge."""
