"""chipsmith.benchmarks."""
