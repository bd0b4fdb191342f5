"""Pure figure builders for the public website and the Steering Committee view.

Data in (dataclasses, mappings), ``plotly.graph_objects.Figure`` out: no I/O, no database,
no Dash, no ``plotly.express`` (about 70 ms a call against ~1-10 ms here). Every figure draws
offline (no tiles, no CDN topojson, no web fonts) and takes ``labels`` the caller has
translated plus ``lang`` ("ur" right-aligns text and mirrors the bars). Show a figure with
``dcc.Graph(figure=fig, config=FIGURE_CONFIG)`` and its table (:mod:`.table`) beside it.
"""

from dbmis.app.figures._common import (
    DEFAULT_LABELS,
    FIGURE_CONFIG,
    FONT_LATIN,
    FONT_URDU,
    MAP_CONFIG,
    SPARKLINE_CONFIG,
)
from dbmis.app.figures.bars import BarRow, district_bars, sort_rows
from dbmis.app.figures.maps import (
    DEFAULT_COLORSCALE,
    catalog_map_inputs,
    district_map,
    districts_not_drawn,
    prepare_outlines,
)
from dbmis.app.figures.status import (
    LIKELIHOOD_STYLE,
    LIKELIHOODS,
    STATUS_STYLE,
    STATUSES,
    likelihood_badge_colors,
    status_badge_colors,
    status_label,
)
from dbmis.app.figures.table import (
    district_rows,
    figure_table_rows,
    map_rows,
    table_columns,
    trajectory_rows,
)
from dbmis.app.figures.trend import Marker, Point, sparkline, trajectory_figure

__all__ = [
    "DEFAULT_COLORSCALE",
    "DEFAULT_LABELS",
    "FIGURE_CONFIG",
    "FONT_LATIN",
    "FONT_URDU",
    "LIKELIHOODS",
    "LIKELIHOOD_STYLE",
    "MAP_CONFIG",
    "SPARKLINE_CONFIG",
    "STATUSES",
    "STATUS_STYLE",
    "BarRow",
    "Marker",
    "Point",
    "catalog_map_inputs",
    "district_bars",
    "district_map",
    "district_rows",
    "districts_not_drawn",
    "figure_table_rows",
    "likelihood_badge_colors",
    "map_rows",
    "prepare_outlines",
    "sort_rows",
    "sparkline",
    "status_badge_colors",
    "status_label",
    "table_columns",
    "trajectory_figure",
    "trajectory_rows",
]
