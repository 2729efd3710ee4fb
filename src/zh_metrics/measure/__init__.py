"""Measurement: scoring, evaluation, the report, the learning curve, the benchmark and the
rule baseline the model is measured against."""
