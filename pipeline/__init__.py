"""Nightly evaluation pipeline for a city's public agencies: inbox workbooks in, scores and a meeting report out."""

__version__ = "0.1.0"
