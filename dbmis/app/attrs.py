"""``aria-*`` attributes for Dash html components: ``html.Section(..., **aria(labelledby=x))``."""

from __future__ import annotations

from typing import Any


def aria(**attrs: Any) -> dict[str, Any]:
    """``aria(labelledby="t", current="page")`` -> ``{"aria-labelledby": "t", ...}``."""
    return {f"aria-{name.replace('_', '-')}": value for name, value in attrs.items()}


def data_attrs(**attrs: str) -> dict[str, Any]:
    """``data_attrs(max_bytes="10")`` -> ``{"data-max-bytes": "10"}`` (for ``html.*``)."""
    return {f"data-{name.replace('_', '-')}": value for name, value in attrs.items()}
