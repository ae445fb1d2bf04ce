"""The waveform tracer: where a failing simulation first went wrong, and which lines to suspect.

``tool.trace_mismatch`` (registered as ``trace_mismatch``) runs the pieces; ``render.render`` turns
its ``models.TraceReport`` into bounded text. Nothing is imported here, so importing the package
stays cheap. See docs/waveform-trace.md.
"""
