"""``chipsmith chat``: the terminal REPL over a design session (docs/chat.md).

Modules: ``slash`` (pure parsing of what the user typed), ``wave`` and ``wave_select`` (the ASCII
waveform of ``/wave``), ``view`` (session events, outcomes and history as rich renderables),
``actions`` (the slash commands), ``repl`` (the loop: line editing, turns, Ctrl-C).
"""
