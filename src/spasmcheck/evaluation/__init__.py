"""Evaluation layer: vignettes, the simulated patient, metrics and reports."""
