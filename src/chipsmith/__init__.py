"""chipsmith: an LLM-agent hardware design assistant.

Importing the package does nothing: no directories, no databases, no heavy imports.
"""

__version__ = "0.1.0"
