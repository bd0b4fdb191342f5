"""Colours and symbols for statuses against trajectory and for the likelihood of delivery.

Never colour alone: every status has a symbol and a text label as well, and every colour
reaches WCAG AA (4.5:1) as text on white, and white text on it (badges). The hues are
told apart by lightness and symbol too, for readers with a red-green colour deficiency:
target met is blue (not a second green), at risk a dark amber, off track a red.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from dbmis.app.figures._common import DEFAULT_LABELS


@dataclass(frozen=True)
class Style:
    color: str
    """The colour of a bar, a marker or text on white (>= 4.5:1 against white)."""
    symbol: str
    """A text symbol shown next to the label, so the status never rests on colour alone."""
    marker: str
    """The plotly marker symbol for the same status."""
    pattern: str
    """A plotly fill pattern ('' for solid)."""
    tint: str
    """A light background for a soft badge or a table cell; ``color`` text on it is >= 4.5:1."""
    short: str
    """A short code (the likelihood scale is usually written G, AG, AR, R)."""


STATUSES: tuple[str, ...] = ("target_met", "on_track", "at_risk", "off_track", "no_data")
"""The five statuses against trajectory, best first (as ``dbmis.kpis.status.STATUS_ORDER``)."""

LIKELIHOODS: tuple[str, ...] = ("green", "amber_green", "amber_red", "red")
"""The likelihood of delivery, best first."""

STATUS_STYLE: MappingProxyType[str, Style] = MappingProxyType(
    {
        "target_met": Style("#005ea2", "✓", "star", "", "#e6f0f8", "TM"),
        "on_track": Style("#1e6b52", "●", "circle", "", "#e6f2ee", "OT"),
        "at_risk": Style("#a15c00", "▲", "triangle-up", "", "#fbf1e3", "AR"),
        "off_track": Style("#b3261e", "✕", "x", "", "#fbe9e8", "OFF"),
        "no_data": Style("#616161", "–", "line-ew-open", "/", "#f0f0f0", "ND"),
    }
)
"""Status against trajectory -> style. Keys are the values of ``dbmis.kpis.status.Status``
(a ``StrEnum``, so ``STATUS_STYLE[Status.on_track]`` works too)."""

LIKELIHOOD_STYLE: MappingProxyType[str, Style] = MappingProxyType(
    {
        "green": Style("#2e7d32", "●", "circle", "", "#eef6ee", "G"),
        "amber_green": Style("#586b00", "◕", "circle", "", "#f1f4e0", "AG"),
        "amber_red": Style("#b34700", "◔", "circle", "", "#fbece3", "AR"),
        "red": Style("#b3261e", "○", "circle", "", "#fbe9e8", "R"),
    }
)
"""Likelihood of delivery (DU judgement) -> style."""

WHITE = "#ffffff"


def _style(table: MappingProxyType[str, Style], key: str, fallback: str) -> Style:
    return table.get(str(key), table[fallback])


def status_style(status: str | None) -> Style:
    """The style of a status; ``None`` or an unknown status gets the no-data style."""
    return _style(STATUS_STYLE, status or "no_data", "no_data")


def status_label(status: str | None, labels: dict[str, str] | None = None) -> str:
    """``"● On track"``: the symbol and the (caller-translated) label."""
    key = str(status or "no_data")
    text = (labels or {}).get(key) or DEFAULT_LABELS.get(key, key)
    return f"{status_style(key).symbol} {text}"


def status_badge_colors(
    status: str | None, variant: Literal["solid", "soft"] = "solid"
) -> dict[str, str]:
    """CSS colours for a status badge: ``{"background", "color", "border"}``.

    ``solid``: the status colour behind white text; ``soft``: a light tint behind text in the
    status colour. Both are WCAG AA (>= 4.5:1). Show the symbol and label inside the badge."""
    return _badge(status_style(status), variant)


def likelihood_badge_colors(
    likelihood: str, variant: Literal["solid", "soft"] = "solid"
) -> dict[str, str]:
    """CSS colours for a likelihood-of-delivery badge (green, amber_green, amber_red, red)."""
    key = str(likelihood).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in LIKELIHOOD_STYLE:
        raise ValueError(f"{likelihood!r} is not a likelihood of delivery")
    return _badge(LIKELIHOOD_STYLE[key], variant)


def _badge(style: Style, variant: str) -> dict[str, str]:
    if variant == "soft":
        return {"background": style.tint, "color": style.color, "border": style.color}
    return {"background": style.color, "color": WHITE, "border": style.color}


def contrast_ratio(a: str, b: str = WHITE) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    la, lb = _luminance(a), _luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _luminance(colour: str) -> float:
    h = colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
