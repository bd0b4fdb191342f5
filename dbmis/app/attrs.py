"""``aria-*`` attributes for Dash html components: ``html.Section(..., **aria(labelledby=x))``."""

from __future__ import annotations

from typing import Any


def aria(**attrs: Any) -> dict[str, Any]:
    """``aria(labelledby="t", current="page")`` -> ``{"aria-labelledby": "t", ...}``."""
    return {f"aria-{name.replace('_', '-')}": value for name, value in attrs.items()}
