"""Tests of the KPI business rules: trajectories, status, forecasts, consistency."""
