"""Benchmark harness for issue #5: a synthetic national corpus, our builds, and the peers.

    python -m bench.corpus N DIR      write a deterministic corpus of N inspections
    python -m bench.run               the whole benchmark (what `make bench` runs)

See bench/README.md.
"""
