"""Reasoning layer: evidence, the Bayesian model, triage, the interview and the engine."""
