"""Corpus tooling: tasks, markup, JSONL, validation, statistics and the annotation loop.

Nothing here is needed to run a trained pipeline; it builds and checks what trains one.
"""
