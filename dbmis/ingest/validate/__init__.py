"""Validate read files against the catalog: all problems in one pass.

- :func:`validate_upload` / :func:`validate_many`: structure checks (plain Python), bounds and
  cross-indicator rules (Great Expectations, one run for many files), outliers (pandas);
- :func:`outlier_issues`: the DHIS2-style z-score outlier check alone.

Great Expectations is imported lazily, on the first validation, by
:mod:`dbmis.ingest.validate.ge_adapter` only; importing this package does not import it.
"""

from dbmis.ingest.validate.ge_adapter import (
    ExpectationSpec,
    Failure,
    ValidationEngineError,
    Where,
    run_expectations,
    warm_up,
)
from dbmis.ingest.validate.outliers import outlier_issues, outlier_scores
from dbmis.ingest.validate.validate import sort_issues, validate_many, validate_upload

__all__ = [
    "ExpectationSpec",
    "Failure",
    "ValidationEngineError",
    "Where",
    "outlier_issues",
    "outlier_scores",
    "run_expectations",
    "sort_issues",
    "validate_many",
    "validate_upload",
    "warm_up",
]
