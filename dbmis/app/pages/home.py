"""Home page (minimal until the public website issue): the Roadmap and its KPIs."""

from __future__ import annotations

from dash import html

from dbmis.catalog import Catalog
from dbmis.settings import Mode, Settings


def layout(catalog: Catalog, settings: Settings) -> html.Div:
    road = catalog.roadmap
    banner = []
    if settings.mode is Mode.demo:
        banner = [html.P("Demo: figures on this site are synthetic.", className="demo-banner")]
    priorities = []
    for priority in road.priorities:
        kpis = [k for k in catalog.kpis if k.priority == priority.code]
        priorities.append(
            html.Section(
                [
                    html.H2(priority.name.en),
                    html.P(priority.description.en),
                    html.Ul(
                        [html.Li([html.Strong(k.name.en), " — ", k.definition.en]) for k in kpis]
                    ),
                ]
            )
        )
    return html.Div(
        [
            *banner,
            html.H1(f"{road.title.en}: {road.province.en}"),
            html.P(road.summary.en),
            *priorities,
        ]
    )
