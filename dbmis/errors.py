"""Typed errors with stable codes.

Every error DBMIS raises on purpose derives from :class:`DbmisError` and carries a stable,
documented ``code`` (for example ``CATALOG_INVALID``) so that the CLI, the web app and the logs
can report it the same way. Codes never change meaning once released.
"""

from __future__ import annotations

from collections.abc import Sequence


class DbmisError(Exception):
    """Base class of all expected DBMIS errors."""

    code: str = "DBMIS_ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class ConfigError(DbmisError):
    """Settings are missing or inconsistent."""

    code = "CONFIG_INVALID"


class CatalogError(DbmisError):
    """The catalog folder could not be loaded; ``issues`` lists every problem found."""

    code = "CATALOG_INVALID"

    def __init__(self, message: str, issues: Sequence[object] | None = None) -> None:
        super().__init__(message)
        self.issues = list(issues or [])


class WarehouseError(DbmisError):
    """The warehouse could not be reached, migrated or written."""

    code = "WAREHOUSE_ERROR"


class NotFoundError(DbmisError):
    """A named record does not exist."""

    code = "NOT_FOUND"


class ConflictError(DbmisError):
    """A write would break a rule of the workflow (for example changing approved data)."""

    code = "CONFLICT"


class PermissionDeniedError(DbmisError):
    """The acting user may not do this."""

    code = "FORBIDDEN"
