"""Shared demo data: generated once per test session (well under a second)."""

from __future__ import annotations

import pytest

from dbmis.catalog import Catalog, load_catalog
from dbmis.demo import DemoData, generate

FIRST, LAST = 202201, 202610


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def demo(catalog: Catalog) -> DemoData:
    return generate(catalog, first_month=FIRST, last_month=LAST, seed=2022)
