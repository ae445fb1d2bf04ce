"""Kernel backends (triton, cpp, cuda, torch) and the checking harness. Importing this does nothing."""
