"""chipsmith.prompts."""
