"""Ingest: templates, safety checks, reading, validation and loading of district returns."""
