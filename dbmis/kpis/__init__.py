"""KPI business rules: trajectories from baseline to target, status against trajectory,
trend forecasts and the district-to-province consistency check (pure functions, no I/O)."""

from dbmis.kpis.consistency import SumCheck, district_sum_check
from dbmis.kpis.forecast import Forecast, forecast, theil_sen
from dbmis.kpis.status import (
    STATUS_LABELS,
    STATUS_ORDER,
    Status,
    status_for_period,
    status_label,
    status_of,
)
from dbmis.kpis.trajectory import (
    PROVINCE,
    SHAPE_FORMULAS,
    Trajectory,
    build_trajectory,
    planned_for_period,
    planned_value,
    shape_fraction,
    trajectories,
)

__all__ = [
    "PROVINCE",
    "SHAPE_FORMULAS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "Forecast",
    "Status",
    "SumCheck",
    "Trajectory",
    "build_trajectory",
    "district_sum_check",
    "forecast",
    "planned_for_period",
    "planned_value",
    "shape_fraction",
    "status_for_period",
    "status_label",
    "status_of",
    "theil_sen",
    "trajectories",
]
