"""Helpers shared by tests of several areas (not tests themselves)."""
