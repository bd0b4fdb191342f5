"""Alembic migrations of the warehouse, run programmatically by :mod:`dbmis.warehouse.migrate`."""
