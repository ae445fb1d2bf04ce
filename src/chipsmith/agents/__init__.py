"""chipsmith.agents."""
