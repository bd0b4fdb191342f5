"""The pack as ONE self-contained HTML file: inline CSS, charts as inline SVG, no scripts, no
external URLs. The same HTML, with its print CSS, makes the PDF (:mod:`dbmis.kpis.pack.pdf`).

Every text that comes from the catalog or from people (rationales, actions, decisions) is
escaped; nothing in the pack is ever interpreted as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from importlib import resources

from dbmis.kpis.pack import fmt
from dbmis.kpis.pack.charts import chart_svg, svg_data_uri
from dbmis.kpis.pack.model import (
    LIKELIHOOD_LABELS,
    LIKELIHOOD_MEANINGS,
    LIKELIHOODS,
    PLAN_STATUS_LABELS,
    ActionItem,
    DecisionItem,
    InstitutionReporting,
    KpiSection,
    League,
    LeagueRow,
    PackData,
    PlanActivityLine,
)
from dbmis.kpis.status import STATUS_ORDER

STATUS_MEANINGS: dict[str, str] = {
    "target_met": "The value has reached the target.",
    "on_track": "Ahead of the planned trajectory, or behind it by no more than the tolerance.",
    "at_risk": "Behind the plan by more than the tolerance, but no more than twice it.",
    "off_track": "Behind the plan by more than twice the tolerance.",
    "no_data": "No approved value for the period.",
}

SERIES_NAMES = {
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
    "fiscal_year": "fiscal-year",
}


def e(text: object) -> str:
    """Escape any value for HTML text and attributes."""
    return escape("" if text is None else str(text), quote=True)


def css() -> str:
    return resources.files("dbmis.kpis.pack").joinpath("pack.css").read_text(encoding="utf-8")


# --- small pieces -----------------------------------------------------------------------------


def status_badge(code: str | None) -> str:
    code = code or "no_data"
    return f'<span class="status s-{e(code)}">{e(fmt.status(code))}</span>'


def likelihood_badge(code: str | None) -> str:
    cls = code if code in LIKELIHOODS else "none"
    return f'<span class="lh lh-{e(cls)}"><span class="sq"></span>{e(fmt.likelihood(code))}</span>'


def rating_badge(code: str | None) -> str:
    if not code:
        return '<span class="rating r-none">Not rated</span>'
    return f'<span class="rating r-{e(code)}">{e(fmt.rating(code))}</span>'


def change_badge(code: str | None) -> str:
    arrow, word = fmt.change(code)
    if not word:
        return ""
    return f'<span class="chg chg-{e(code)}">{e(arrow)} {e(word)}</span>'


def _val(s: KpiSection, v: float | None) -> str:
    return fmt.value(v, s.unit, s.decimals)


def _table(
    headers: Iterable[tuple[str, str]],
    rows: Iterable[str],
    *,
    cls: str = "data",
    colgroup: str = "",
) -> str:
    head = "".join(f'<th class="{c}">{h}</th>' if c else f"<th>{h}</th>" for h, c in headers)
    if colgroup and "fixed" not in cls:
        cls += " fixed"
    return (
        f'<table class="{cls}">{colgroup}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# --- cover and summary -----------------------------------------------------------------------


def _classification(pack: PackData) -> str:
    if pack.is_demo:
        return "DEMO DATA — synthetic"
    if pack.release_number is None:
        return "Steering Committee — approved, unpublished figures"
    return "Steering Committee"


def _cover(pack: PackData) -> str:
    facts: list[tuple[str, str]] = [
        ("Province", pack.province),
        ("Quarter", f"{pack.quarter} ({pack.quarter_label})"),
        ("Date of this pack", fmt.day(pack.generated_on)),
        ("Data through", fmt.month(pack.data_through, long=True)),
    ]
    if pack.meeting_date:
        facts.insert(2, ("Stocktake meeting", fmt.day(pack.meeting_date)))
    if pack.release_number is not None:
        rel = f"Release {pack.release_number}"
        if pack.release_published_on:
            rel += f", published {fmt.day(pack.release_published_on)}"
        if pack.release_through:
            rel += f" (data through {fmt.month(pack.release_through)})"
        facts.append(("Published release", rel))
    else:
        facts.append(("Published release", "Not yet published"))
    if pack.stocktake_status:
        word = "Final" if pack.stocktake_status == "final" else "Draft: judgements may still change"
        facts.append(("Assessments", word))
    dl = "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in facts)
    banner = ""
    if pack.is_demo:
        banner = (
            '<div class="demo-banner">DEMO DATA — synthetic'
            "<span>Every figure in this pack is made up for demonstration. "
            "Do not quote it.</span></div>"
        )
    caveats = []
    if pack.release_number is None or (
        pack.release_through is not None
        and pack.data_through is not None
        and pack.release_through < pack.data_through
    ):
        caveats.append(
            "This pack shows approved data that has not all been published: public figures "
            "may differ until the next release."
        )
    if pack.stocktake_status is None:
        caveats.append(
            "No stocktake has been recorded for this quarter yet: the pack has no judgements, "
            "actions or decisions."
        )
    caveat_html = "".join(f'<p class="caveat">{e(c)}</p>' for c in caveats)
    contents = [
        ("summary", "Summary of all KPIs"),
        ("asks", "For the Steering Committee: decisions and overdue actions"),
        *((k.anchor, k.name) for k in pack.kpis),
        ("data-quality", "Annex: data quality"),
        ("notes", "Notes, definitions and sources"),
    ]
    toc = "".join(f'<li><a href="#{e(a)}">{e(t)}</a></li>' for a, t in contents)
    return (
        '<section class="cover" id="cover">'
        f"{banner}"
        f'<p class="eyebrow">{e(pack.province)}</p>'
        f"<h1>{e(pack.title)}</h1>"
        f'<p class="subtitle">Stocktake pack, {e(pack.quarter)}</p>'
        '<div class="rule"></div>'
        f"<dl>{dl}</dl>"
        f"{caveat_html}"
        f'<nav class="contents"><h3>Contents</h3><ol>{toc}</ol></nav>'
        "</section>"
    )


def _summary_row(k: KpiSection) -> str:
    j = k.judgement

    def val(v: float | None) -> str:
        return e(fmt.value(v, k.unit, k.decimals, compact=True))

    target = val(k.target_value)
    if k.target_period:
        target += f'<span class="sub">by {e(fmt.period_short(k.target_period))}</span>'
    unit = "" if k.unit == "percent" else f'<span class="sub">{e(fmt.unit_name(k.unit))}</span>'
    flag = ' <span class="flag" title="incomplete">†</span>' if k.flagged else ""
    return (
        "<tr>"
        f'<td class="kpi-name"><a href="#{e(k.anchor)}">{e(k.name)}</a>{unit}</td>'
        f"<td>{e(fmt.period_short(k.period, k.period_through))}</td>"
        f'<td class="num">{val(k.value)}{flag}</td>'
        f'<td class="num">{val(k.planned)}</td>'
        f'<td class="num">{target}</td>'
        f"<td>{status_badge(k.status)}</td>"
        f"<td>{likelihood_badge(j.likelihood if j else None)}</td>"
        f"<td>{change_badge(j.change if j else None)}</td>"
        "</tr>"
    )


def _legend() -> str:
    status_rows = "".join(
        f'<tr><td class="key">{status_badge(s.value)}</td><td>{e(STATUS_MEANINGS[s.value])}</td></tr>'
        for s in STATUS_ORDER
    )
    lh_rows = "".join(
        f'<tr><td class="key">{likelihood_badge(code)}</td>'
        f"<td>{e(LIKELIHOOD_MEANINGS[code])}</td></tr>"
        for code in LIKELIHOODS
    )
    return (
        '<table class="legend keep"><tr>'
        '<td class="half"><p><b>Status against trajectory</b> (computed from the data)</p>'
        f'<table class="keys">{status_rows}</table></td>'
        '<td class="half"><p><b>Likelihood of delivery</b> (the Delivery Unit\'s judgement)</p>'
        f'<table class="keys">{lh_rows}</table></td>'
        "</tr></table>"
    )


def _summary(pack: PackData) -> str:
    rows: list[str] = []
    priority = None
    for k in pack.kpis:
        if k.priority != priority:
            priority = k.priority
            rows.append(f'<tr class="group"><td colspan="8">{e(priority)}</td></tr>')
        rows.append(_summary_row(k))
    headers = [
        ("KPI", ""),
        ("Period", ""),
        ("Actual", "num"),
        ("Planned", "num"),
        ("Target", "num"),
        ("Status", ""),
        ("Likelihood", ""),
        ("Since last stocktake", ""),
    ]
    colgroup = (
        '<colgroup><col style="width:24%"><col style="width:11%"><col style="width:8.5%">'
        '<col style="width:8.5%"><col style="width:9.5%"><col style="width:11.5%">'
        '<col style="width:14.5%"><col style="width:12.5%"></colgroup>'
    )
    table = _table(headers, rows, colgroup=colgroup)
    counts: dict[str, int] = {}
    for k in pack.kpis:
        counts[k.status] = counts.get(k.status, 0) + 1
    overview = ", ".join(
        f"{counts[s.value]} {fmt.status(s.value).lower()}"
        for s in STATUS_ORDER
        if s.value in counts
    )
    lh_counts: dict[str, int] = {}
    for k in pack.kpis:
        if k.judgement:
            lh_counts[k.judgement.likelihood] = lh_counts.get(k.judgement.likelihood, 0) + 1
    lh_text = ", ".join(
        f"{lh_counts[c]} {LIKELIHOOD_LABELS[c].lower()}" for c in LIKELIHOODS if c in lh_counts
    )
    lead = f"{len(pack.kpis)} KPIs against their trajectories: {overview}."
    if lh_text:
        lead += f" Delivery Unit's judgements: {lh_text}."
    overdue = len(pack.overdue_actions)
    asked = len(pack.all_decisions_asked)
    lead2 = (
        f"{len(pack.all_actions)} actions, {overdue} overdue; "
        f"{asked} decision{'s' if asked != 1 else ''} asked of the Steering Committee."
    )
    notes = [
        "Actual: the KPI's value for the period shown, a ratio of sums over all districts and "
        "months of the period (stocks: the period's last month). Planned: the trajectory's value "
        "at the period's last month.",
        "† fewer than "
        f"{fmt.share(pack.completeness_threshold)} of the expected district returns are behind "
        "the value: read it with care.",
        "KPIs with yearly targets are judged on the calendar or fiscal year: while it runs, "
        "the value covers the year to date ('2026 to Oct') and is compared with the plan for "
        "the whole year.",
    ]
    return (
        '<section class="summary page-start" id="summary">'
        '<h1 class="section-title">Summary of all KPIs</h1>'
        f"<p>{e(lead)} {e(lead2)}</p>"
        f"{table}{_legend()}"
        f'<div class="footnotes">{"".join(f"<p>{e(n)}</p>" for n in notes)}</div>'
        "</section>"
    )


def _asks(pack: PackData) -> str:
    """One page of what the Steering Committee is asked to act on, across all KPIs."""
    names = {k.code: k.name for k in pack.kpis}
    parts = [
        '<section class="asks page-start" id="asks">',
        '<h1 class="section-title">For the Steering Committee</h1>',
    ]
    asked = pack.all_decisions_asked
    parts.append("<h3>Decisions asked of the Steering Committee</h3>")
    if asked:
        rows = [
            f'<tr><td class="num">{i}</td><td>{e(d.text)}</td>'
            f"<td>{e(names.get(d.kpi or '', 'All KPIs'))}</td></tr>"
            for i, d in enumerate(asked, start=1)
        ]
        colgroup = '<colgroup><col style="width:5%"><col style="width:65%"><col style="width:30%"></colgroup>'
        parts.append(_table([("", "num"), ("Decision", ""), ("KPI", "")], rows, colgroup=colgroup))
    else:
        parts.append('<p class="none">No decisions asked at this stocktake.</p>')
    overdue = pack.overdue_actions
    parts.append("<h3>Overdue actions</h3>")
    if overdue:
        rows = [
            '<tr class="overdue">'
            f"<td>{e(a.description)}"
            + (
                f' <span class="muted">(agreed at {e(a.carried_from)})</span>'
                if a.carried_from
                else ""
            )
            + f"</td><td>{e(a.owner)}</td>"
            f'<td class="nowrap">{e(fmt.short_day(a.due))}</td>'
            f"<td>{e(names.get(a.kpi or '', 'All KPIs'))}</td></tr>"
            for a in overdue
        ]
        colgroup = (
            '<colgroup><col style="width:42%"><col style="width:20%">'
            '<col style="width:12%"><col style="width:26%"></colgroup>'
        )
        parts.append(
            _table(
                [("Action", ""), ("Owner", ""), ("Was due", ""), ("KPI", "")],
                rows,
                colgroup=colgroup,
            )
        )
    else:
        parts.append('<p class="none">No action is overdue.</p>')
    if pack.problems:
        parts.append("<h3>Problems across KPIs</h3>" + _problems(pack.problems))
    if pack.actions:
        parts.append("<h3>Actions across KPIs</h3>" + _actions(pack.actions))
    taken = tuple(d for d in pack.decisions if d.kind == "taken")
    if taken:
        parts.append("<h3>Decisions taken across KPIs</h3>" + _decisions(taken))
    parts.append("</section>")
    return "".join(parts)


# --- one KPI ---------------------------------------------------------------------------------


def _big(k: KpiSection, v: float | None) -> str:
    """A key figure: the number large, a unit other than % small after it."""
    text = e(fmt.value(v, k.unit, k.decimals, compact=True))
    if v is None or k.unit in ("percent", "count"):
        return text
    return (
        f'{text}<span class="unit"> {e(fmt.UNIT_SUFFIX.get(k.unit, "").strip() or k.unit)}</span>'
    )


def _gap_note(k: KpiSection) -> str:
    if k.period_partial:
        return f"for the whole of {k.period}"
    return fmt.gap(k.value, k.planned, k.unit, k.decimals, k.direction)


def _keyfigs(pack: PackData, k: KpiSection) -> str:
    def cell(label: str, figure: str, note: str = "", *, badge: bool = False) -> str:
        note_html = f'<span class="note">{note}</span>' if note else ""
        cls = "figure badge" if badge else "figure"
        return (
            f'<td><span class="label">{e(label)}</span>'
            f'<span class="{cls}">{figure}</span>{note_html}</td>'
        )

    period = fmt.period_short(k.period, k.period_through) if k.period else "latest"
    completeness = ""
    if k.completeness is not None:
        completeness = f"{e(fmt.share(k.completeness))} of returns"
        if k.flagged:
            completeness = f'<span class="flag">† {completeness}</span>'
    j = k.judgement
    cells = [
        cell(f"Actual, {period}", _big(k, k.value), completeness),
        cell("Planned", _big(k, k.planned), e(_gap_note(k))),
        cell(
            "Target",
            _big(k, k.target_value),
            f"by {e(fmt.period(k.target_period))}" if k.target_period else "",
        ),
        cell(
            "Baseline",
            _big(k, k.baseline_value),
            e(k.baseline_period or ""),
        ),
        cell("Status", status_badge(k.status), "against trajectory", badge=True),
        cell(
            "Likelihood",
            likelihood_badge(j.likelihood if j else None),
            change_badge(j.change if j else None),
            badge=True,
        ),
    ]
    return f'<table class="keyfigs"><tr>{"".join(cells)}</tr></table>'


def _chart(pack: PackData, k: KpiSection, *, inline_svg: bool = True) -> str:
    svg = chart_svg(k, pack.quarter)
    kind = SERIES_NAMES.get(k.series_type, k.series_type)
    parts = [f"Province, {kind} values (approved data) against the planned trajectory."]
    if k.tolerance and (k.trajectory or any(p.planned is not None for p in k.series)):
        parts.append(
            f"Grey band: the tolerance of ±{fmt.value(k.tolerance, k.unit, k.decimals)} "
            "around the plan."
        )
    if k.series_type == "month":
        if any(p.flagged for p in k.series):
            parts.append("Hollow points: months with fewer returns than the threshold.")
    elif any(p.flagged or p.partial for p in k.series):
        parts.append("Hatched bars: a year to date, or fewer returns than the threshold.")
    if k.forecast is not None:
        f = k.forecast
        verdict = (
            "reaches the target"
            if f.meets_target
            else "falls short of the target"
            if f.meets_target is False
            else ""
        )
        parts.append(
            f"Dashed: trend of the last {f.points_used} months (Theil–Sen), "
            f"{fmt.value(f.end_value, k.unit, k.decimals)} at {fmt.month(f.end_month)}"
            + (f": {verdict}." if verdict else ".")
        )
    alt = (
        f"{k.name}: actual {fmt.value(k.value, k.unit, k.decimals)} against a plan of "
        f"{fmt.value(k.planned, k.unit, k.decimals)}; target "
        f"{fmt.value(k.target_value, k.unit, k.decimals)} by {fmt.period(k.target_period)}."
    )
    if inline_svg:
        # an HTML parser puts <svg> in the SVG namespace (and knows xlink:href) by itself
        picture = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
        label = f' role="img" aria-label="{e(alt)}"'
    else:
        picture = f'<img src="{svg_data_uri(svg)}" alt="{e(alt)}">'
        label = ""
    return (
        f'<figure class="chart"{label}>{picture}'
        f"<figcaption>{e(' '.join(parts))}</figcaption></figure>"
    )


def _league_rows(k: KpiSection, league: League, rows: tuple[LeagueRow, ...]) -> list[str]:
    with_base = bool(k.denominator_name)
    out = []
    for r in rows:
        flag = '<span class="flag">† incomplete</span>' if r.flagged else ""
        extra = ""
        if with_base:
            extra += f'<td class="num">{e(fmt.number(r.denominator, 0))}</td>'
        if league.basis == "plan":
            extra += (
                f'<td class="num">{e(fmt.value(r.planned, k.unit, k.decimals, compact=True))}</td>'
                f'<td class="num">{e(fmt.share(r.share_of_plan))}</td>'
            )
        out.append(
            "<tr>"
            f'<td class="num">{r.rank}</td>'
            f"<td>{e(r.district_name)}</td>"
            f'<td class="muted">{e(r.division_name)}</td>'
            f'<td class="num">{e(fmt.value(r.value, k.unit, k.decimals, compact=True))}</td>'
            f"{extra}"
            f'<td class="num">{e(fmt.share(r.completeness))}</td>'
            f"<td>{status_badge(r.status) if r.status else ''} {flag}</td>"
            "</tr>"
        )
    return out


def _league(pack: PackData, k: KpiSection) -> str:
    league = k.league
    if league is None or league.ranked == 0:
        return '<p class="none">No district values for this period.</p>'
    value_name = "Value" if k.unit == "percent" else fmt.UNIT_SHORT.get(k.unit, "Value")
    headers = [("Rank", "num"), ("District", ""), ("Division", ""), (e(value_name), "num")]
    if k.denominator_name:
        headers.append(("Base", "num"))
    if league.basis == "plan":
        headers += [("Plan", "num"), ("Of plan", "num")]
    headers += [("Returns", "num"), ("Status / note", "")]
    cols = len(headers)
    rows: list[str] = []
    if league.shows_all:
        rows += _league_rows(k, league, league.best)
    else:
        rows.append(f'<tr class="group"><td colspan="{cols}">Best five</td></tr>')
        rows += _league_rows(k, league, league.best)
        rows.append(f'<tr class="group"><td colspan="{cols}">Worst five</td></tr>')
        rows += _league_rows(k, league, league.worst)
    if league.basis == "plan":
        order = "the value as a share of the district's own plan"
    else:
        order = f"{'highest' if k.direction == 'up' else 'lowest'} value first"
    intro = f"{fmt.period_short(league.period, k.period_through)}: {league.ranked} districts ranked on {order}."
    if league.flagged_count:
        intro += (
            f" {league.flagged_count} below the completeness threshold "
            f"({fmt.share(pack.completeness_threshold)} of expected returns), marked †."
        )
    if len(league.unranked) > 8:
        intro += f" {len(league.unranked)} districts have no value for the period."
    elif league.unranked:
        intro += f" No value: {', '.join(league.unranked)}."
    return f'<p class="small muted">{e(intro)}</p>' + _table(headers, rows)


def _problems(problems: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{e(p)}</li>" for p in problems) + "</ul>"


def _actions(actions: tuple[ActionItem, ...]) -> str:
    rows = []
    for a in actions:
        status = e(fmt.action_status(a.status))
        if a.overdue:
            status += ' · <span class="overdue-word">Overdue</span>'
        carried = (
            f' <span class="muted">(agreed at {e(a.carried_from)})</span>' if a.carried_from else ""
        )
        rows.append(
            f'<tr class="{"overdue" if a.overdue else ""}">'
            f"<td>{e(a.description)}{carried}</td>"
            f"<td>{e(a.owner)}</td>"
            f'<td class="nowrap">{e(fmt.short_day(a.due))}</td>'
            f'<td class="nowrap">{status}</td>'
            "</tr>"
        )
    colgroup = (
        '<colgroup><col style="width:52%"><col style="width:22%">'
        '<col style="width:12%"><col style="width:14%"></colgroup>'
    )
    return _table(
        [("Action", ""), ("Owner", ""), ("Due", ""), ("Status", "")], rows, colgroup=colgroup
    )


def _decisions(decisions: tuple[DecisionItem, ...]) -> str:
    items = []
    for d in decisions:
        when = (
            f' <span class="muted">({e(fmt.short_day(d.decided_on))})</span>'
            if d.decided_on
            else ""
        )
        items.append(f"<li>{e(d.text)}{when}</li>")
    return "<ol>" + "".join(items) + "</ol>"


def _judgement(k: KpiSection) -> str:
    j = k.judgement
    if j is None:
        return '<p class="none">Not assessed at this stocktake.</p>'
    line = f"{likelihood_badge(j.likelihood)} &nbsp; {change_badge(j.change)}"
    if j.previous:
        prev = fmt.likelihood(j.previous)
        line += f' <span class="muted">(previous stocktake{" " + e(j.previous_quarter) if j.previous_quarter else ""}: {e(prev)})</span>'
    parts = [f'<p class="judgement-line">{line}</p>', f'<p class="rationale">{e(j.rationale)}</p>']
    if j.criteria and not any(c.rating or c.comment for c in j.criteria):
        parts.append('<p class="small muted">The four criteria were not rated.</p>')
    elif j.criteria:
        with_comments = any(c.comment for c in j.criteria)
        rows = []
        for c in j.criteria:
            comment = f"<td>{e(c.comment or '')}</td>" if with_comments else ""
            rows.append(f"<tr><td>{e(c.name)}</td><td>{rating_badge(c.rating)}</td>{comment}</tr>")
        if with_comments:
            colgroup = (
                '<colgroup><col style="width:34%"><col style="width:14%">'
                '<col style="width:52%"></colgroup>'
            )
            headers = [("Criterion", ""), ("Rating", ""), ("Comment", "")]
        else:
            colgroup = '<colgroup><col style="width:50%"><col style="width:50%"></colgroup>'
            headers = [("Criterion", ""), ("Rating", "")]
        cls = "criteria" if with_comments else "criteria narrow"
        parts.append(f'<div class="{cls}">' + _table(headers, rows, colgroup=colgroup) + "</div>")
    return "".join(parts)


def _plan_row(a: PlanActivityLine) -> str:
    mark = ' <span class="muted">(illustrative)</span>' if a.illustrative else ""
    reported = f'<br><span class="muted small">reported {e(a.quarter)}</span>' if a.quarter else ""
    overdue = "".join(
        f'<br><span class="overdue-word">Overdue:</span> {e(m.title)} '
        f'<span class="muted">(due {e(fmt.short_day(m.due))})</span>'
        for m in a.overdue
    )
    return (
        f'<tr class="{"overdue" if a.overdue else ""}">'
        f"<td>{e(a.title)}{mark}</td>"
        f"<td>{e(a.lead_name)}</td>"
        f'<td class="nowrap"><span class="pstatus p-{e(a.status)}">'
        f"{e(PLAN_STATUS_LABELS.get(a.status, a.status))}</span>{reported}</td>"
        f"<td>{a.milestones_done} of {a.milestones_total} done{overdue}</td>"
        f'<td class="num">{e(fmt.pkr_millions(a.spent_pkr))} / '
        f"{e(fmt.pkr_millions(a.allocated_pkr))}</td>"
        f'<td class="num">{e(fmt.share(a.budget_use))}</td>'
        "</tr>"
    )


def _plan(pack: PackData, k: KpiSection) -> str:
    """The action plan's activities behind the KPI (nothing when the catalog has no plan)."""
    if pack.plan_as_of is None:
        return ""
    head = "<h3>Action plan: activities behind this KPI</h3>"
    if not k.activities:
        return head + '<p class="none">No activity of the action plan names this KPI.</p>'
    colgroup = (
        '<colgroup><col style="width:28%"><col style="width:11%"><col style="width:14%">'
        '<col style="width:24%"><col style="width:16%"><col style="width:7%"></colgroup>'
    )
    headers = [
        ("Activity", ""),
        ("Lead", ""),
        ("Status", ""),
        ("Milestones", ""),
        ("Spent / allocated, PKR m", "num"),
        ("Use", "num"),
    ]
    note = (
        f'<p class="small muted">Status, milestones and spend from each activity\'s latest '
        f"approved progress report for {e(pack.quarter)} or earlier; overdue milestones and the "
        f"budget allocated to date (the fiscal years begun) as of "
        f"{e(fmt.day(pack.plan_as_of))}.</p>"
    )
    rows = [_plan_row(a) for a in k.activities]
    return head + _table(headers, rows, colgroup=colgroup) + note


def _kpi_footnotes(pack: PackData, k: KpiSection) -> str:
    notes = [f"Source: {k.source}."]
    plan = (
        f"Plan: from {fmt.value(k.baseline_value, k.unit, k.decimals)} ({k.baseline_period}) to "
        f"{fmt.value(k.target_value, k.unit, k.decimals)} by {fmt.period(k.target_period)}"
    )
    if k.shape:
        plan += f", {k.shape} trajectory"
    if k.tolerance is not None:
        plan += f"; on track within ±{fmt.value(k.tolerance, k.unit, k.decimals)} of the plan"
    plan += "."
    if k.target_note:
        plan += f" {k.target_note}"
    notes.append(plan)
    if k.denominator_name:
        notes.append(f"Base: {k.denominator_name}, the denominator behind each district's value.")
    returns = ""
    if k.completeness is not None and k.completeness < 1:
        returns = (
            f"{fmt.share(k.completeness)} of the expected district returns for "
            f"{fmt.period_short(k.period, k.period_through)} are approved and behind the value."
        )
    if k.period_partial:
        returns += (
            f" {k.period} is not over: the value covers the months so far; the plan and the "
            "status are for the whole period."
        )
    if returns:
        notes.append(returns.strip())
    return '<div class="footnotes">' + "".join(f"<p>{e(n)}</p>" for n in notes) + "</div>"


def _kpi(pack: PackData, k: KpiSection, index: int, *, inline_svg: bool = True) -> str:
    parts = [
        f'<section class="kpi page-start" id="{e(k.anchor)}">',
        f'<p class="eyebrow">{e(k.priority)} · KPI {index} of {len(pack.kpis)}'
        + (" · Headline KPI" if k.headline else "")
        + "</p>",
        f'<h2 class="kpi-title">{e(k.name)}</h2>',
        f'<p class="definition">{e(k.definition)}</p>',
        _keyfigs(pack, k),
        _chart(pack, k, inline_svg=inline_svg),
        "<h3>Districts</h3>",
        _league(pack, k),
        _plan(pack, k),
    ]
    nothing = not (k.judgement or k.problems or k.actions or k.decisions)
    if nothing:
        parts.append(
            '<div class="keep"><h3>Delivery Unit\'s assessment</h3><p class="none">Not assessed '
            "at this stocktake; no problems, actions or decisions recorded.</p></div>"
        )
    else:
        parts += ['<div class="keep"><h3>Delivery Unit\'s judgement</h3>', _judgement(k), "</div>"]
        if k.problems:
            parts += ['<div class="keep"><h3>Problems</h3>', _problems(k.problems), "</div>"]
        parts.append("<h3>Actions</h3>")
        parts.append(
            _actions(k.actions) if k.actions else '<p class="none">No actions recorded.</p>'
        )
        asked = k.decisions_asked
        parts += [
            '<div class="keep"><h3>Decisions asked of the Steering Committee</h3>',
            _decisions(asked) if asked else '<p class="none">None at this stocktake.</p>',
            "</div>",
        ]
        if k.decisions_taken:
            parts += [
                '<div class="keep"><h3>Decisions taken</h3>',
                _decisions(k.decisions_taken),
                "</div>",
            ]
    parts.append(_kpi_footnotes(pack, k))
    parts.append("</section>")
    return "".join(parts)


# --- annex -----------------------------------------------------------------------------------


DISTRICTS_LISTED = 8


def _district_list(items: tuple[tuple[str, int], ...]) -> str:
    """District names, most months first, with the months in brackets where more than one;
    at most :data:`DISTRICTS_LISTED` names, then how many more."""
    if not items:
        return '<span class="muted">none</span>'
    shown = ", ".join(
        f"{e(name)}{f' ({n})' if n > 1 else ''}" for name, n in items[:DISTRICTS_LISTED]
    )
    rest = len(items) - DISTRICTS_LISTED
    if rest > 0:
        shown += f' <span class="muted">and {rest} more</span>'
    return f"<b>{len(items)}</b>: {shown}"


def _dq_row(r: InstitutionReporting) -> str:
    return (
        "<tr>"
        f"<td>{e(r.name)}</td>"
        f'<td class="num">{fmt.number(r.expected)}</td>'
        f'<td class="num">{fmt.number(r.received)}</td>'
        f'<td class="num"><b>{e(fmt.share(r.rate))}</b></td>'
        f'<td class="num">{fmt.number(r.on_time)}</td>'
        f'<td class="num">{fmt.number(r.late)}</td>'
        f'<td class="num">{fmt.number(r.pending)}</td>'
        f'<td class="num">{fmt.number(r.missing)}</td>'
        "</tr>"
    )


def _annex(pack: PackData) -> str:
    dq = pack.data_quality
    head = (
        '<section class="annex page-start" id="data-quality">'
        '<h1 class="section-title">Annex: data quality</h1>'
    )
    if dq is None or not dq.institutions:
        return head + '<p class="none">No reporting data for this quarter.</p></section>'
    months = ", ".join(fmt.month(m) for m in dq.months) or "none yet"
    intro = (
        f"Monthly returns due for {fmt.period(dq.quarter)} by {fmt.day(pack.generated_on)} "
        f"({months}): one return per district, institution and month. A return is on time when "
        f"it first arrived within {dq.deadline_days} days after the month ended."
    )
    if dq.not_due_months:
        intro += " Not yet due: " + ", ".join(fmt.month(m) for m in dq.not_due_months) + "."
    headers = [
        ("Institution", ""),
        ("Due", "num"),
        ("Approved", "num"),
        ("Reporting rate", "num"),
        ("On time", "num"),
        ("Late", "num"),
        ("Awaiting approval", "num"),
        ("Missing", "num"),
    ]
    total_expected = sum(r.expected for r in dq.institutions)
    total = InstitutionReporting(
        institution="ALL",
        name="All institutions",
        expected=total_expected,
        on_time=sum(r.on_time for r in dq.institutions),
        late=sum(r.late for r in dq.institutions),
        pending=sum(r.pending for r in dq.institutions),
        missing=sum(r.missing for r in dq.institutions),
    )
    rows = [_dq_row(r) for r in dq.institutions]
    rows.append(_dq_row(total).replace("<tr>", '<tr class="group">', 1))
    table1 = _table(headers, rows)
    rows2 = [
        "<tr>"
        f"<td>{e(r.name)}</td>"
        f"<td>{_district_list(r.missing_districts)}</td>"
        f"<td>{_district_list(r.late_districts)}</td>"
        f"<td>{_district_list(r.pending_districts)}</td>"
        "</tr>"
        for r in dq.institutions
    ]
    colgroup = (
        '<colgroup><col style="width:19%"><col style="width:27%">'
        '<col style="width:27%"><col style="width:27%"></colgroup>'
    )
    table2 = _table(
        [("Institution", ""), ("Missing", ""), ("Late", ""), ("Awaiting approval", "")],
        rows2,
        colgroup=colgroup,
    )
    notes = [
        "Reporting rate: approved returns as a share of the returns due. Awaiting approval: "
        "received but not yet approved by the Delivery Unit, so not yet in the figures.",
        "Lists: the number of districts, then the districts with the most months first; in "
        "brackets the number of months, where more than one. The Data quality sheet of the "
        "spreadsheet version lists every district.",
        f"KPI values built from fewer than {fmt.share(pack.completeness_threshold)} of their "
        "expected returns are flagged † throughout the pack.",
    ]
    return (
        head
        + f"<p>{e(intro)}</p><h3>Reporting rates by institution</h3>{table1}"
        + f"<h3>Missing, late and unapproved returns by institution</h3>{table2}"
        + '<div class="footnotes">'
        + "".join(f"<p>{e(n)}</p>" for n in notes)
        + "</div></section>"
    )


def _notes(pack: PackData) -> str:
    status_rows = "".join(
        f'<tr><td class="key">{status_badge(s.value)}</td><td>{e(STATUS_MEANINGS[s.value])}</td></tr>'
        for s in STATUS_ORDER
    )
    lh_rows = "".join(
        f'<tr><td class="key">{likelihood_badge(c)}</td><td>{e(LIKELIHOOD_MEANINGS[c])}</td></tr>'
        for c in LIKELIHOODS
    )
    source_rows = "".join(
        f"<tr><td>{e(k.name)}</td><td>{e(k.definition)}</td><td>{e(k.source)}</td></tr>"
        for k in pack.kpis
    )
    colgroup = (
        '<colgroup><col style="width:22%"><col style="width:48%"><col style="width:30%"></colgroup>'
    )
    extra = "".join(f"<p>{e(n)}</p>" for n in pack.notes)
    return (
        '<section class="notes page-start" id="notes">'
        '<h1 class="section-title">Notes, definitions and sources</h1>'
        "<h3>How the figures are made</h3>"
        "<p>Figures come from the monthly returns of the district focal points, checked on upload "
        "and approved by the Delivery Unit; only approved returns count. A KPI that is a ratio is "
        "always a ratio of sums: numerators and denominators are added over districts and months "
        "first, then divided. Stocks (such as prisoners held) take the last month of a period.</p>"
        "<p>Status against trajectory compares the actual value with the planned trajectory at the "
        "period's last month, within a tolerance set with each target. The likelihood of delivery "
        "is the Delivery Unit's judgement on four criteria: quality of planning and "
        "implementation, capacity to drive progress, stage of delivery, and progress against the "
        "trajectory.</p>"
        f'<div class="keep"><h3>Status against trajectory</h3><table class="keys">{status_rows}</table></div>'
        f'<div class="keep"><h3>Likelihood of delivery</h3><table class="keys">{lh_rows}</table></div>'
        "<h3>Definitions and sources</h3>"
        + _table(
            [("KPI", ""), ("Definition", ""), ("Source", "")], [source_rows], colgroup=colgroup
        )
        + extra
        + "</section>"
    )


# --- the document ----------------------------------------------------------------------------


def css_string(text: str) -> str:
    """A CSS string literal holding ``text`` (quotes, backslashes and controls escaped)."""
    out = []
    for ch in text:
        if ch in '\\"' or ord(ch) < 0x20 or ch in "<>&":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_css(running: str, classification: str) -> str:
    """The running header and the classification footer of every page but the cover."""
    return (
        f"@page {{ @top-left {{ content: {css_string(running)}; }} "
        f"@bottom-left {{ content: {css_string(classification)}; }} }}"
    )


def render_html(pack: PackData, *, inline_svg: bool = True) -> str:
    """The whole pack as one self-contained HTML document.

    Charts are inline ``<svg>`` elements, or with ``inline_svg=False`` ``<img>`` elements with
    ``data:`` URIs (what the PDF uses: WeasyPrint draws them faster). Either way nothing is
    fetched from anywhere.
    """
    title = f"{pack.title}: stocktake pack {pack.quarter}"
    sections = [_cover(pack), _summary(pack), _asks(pack)]
    sections += [_kpi(pack, k, i, inline_svg=inline_svg) for i, k in enumerate(pack.kpis, start=1)]
    sections += [_annex(pack), _notes(pack)]
    running = f"{pack.title} · {pack.province} · Stocktake pack {pack.quarter}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        f'<meta name="author" content="{e(pack.province)} Delivery Unit">'
        f'<meta name="description" content="{e(title)}">'
        '<meta name="generator" content="DBMIS">'
        f"<style>{css()}\n{_page_css(running, _classification(pack))}</style></head><body>"
        + "".join(sections)
        + "</body></html>\n"
    )
