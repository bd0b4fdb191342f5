"""The Roadmap catalog: geography, institutions, indicators, rules, KPIs and targets.

The single source of truth for templates, validation, KPI formulas and labels.
"""

from dbmis.catalog.catalog import Catalog, CatalogIssue
from dbmis.catalog.loader import default_catalog_dir, load_catalog, resolve_catalog_dir

__all__ = ["Catalog", "CatalogIssue", "default_catalog_dir", "load_catalog", "resolve_catalog_dir"]
