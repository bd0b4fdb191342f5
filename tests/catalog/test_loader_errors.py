"""The loader names the file and key of every kind of mistake, and reports them all at once."""

from __future__ import annotations

from typing import Any

import pytest

from dbmis.catalog import CatalogIssue, load_catalog
from dbmis.errors import CatalogError
from tests.catalog.conftest import CatalogCopy


def problems(folder: object) -> list[CatalogIssue]:
    with pytest.raises(CatalogError) as info:
        load_catalog(folder)  # type: ignore[arg-type]
    assert info.value.code == "CATALOG_INVALID"
    return info.value.issues  # type: ignore[return-value]


def only(issues: list[CatalogIssue], file: str, key_part: str, message_part: str) -> CatalogIssue:
    hits = [i for i in issues if i.file == file and key_part in i.key and message_part in i.message]
    assert hits, f"no issue in {file} at {key_part!r} saying {message_part!r}: {issues}"
    return hits[0]


def entry(items: list[dict[str, Any]], code: str, field: str = "code") -> dict[str, Any]:
    return next(i for i in items if i.get(field) == code)


def test_mini_catalog_is_valid(mini: CatalogCopy) -> None:
    catalog = load_catalog(mini.root)
    assert catalog.counts()["districts"] == 4


def test_unknown_key_is_named_with_line(mini: CatalogCopy) -> None:
    mini.edit("indicators.yaml", lambda d: entry(d, "PRO_CONVICTIONS").update(unti="count"))
    issue = only(problems(mini.root), "indicators.yaml", "PRO_CONVICTIONS.unti", "unknown key")
    assert issue.line is not None and issue.line > 1
    assert "indicators.yaml:" in str(issue)


def test_missing_required_key(mini: CatalogCopy) -> None:
    mini.edit("kpis.yaml", lambda d: entry(d, "CONVICTION_RATE").pop("direction"))
    only(problems(mini.root), "kpis.yaml", "CONVICTION_RATE.direction", "missing")


def test_bad_enum_value(mini: CatalogCopy) -> None:
    mini.edit("indicators.yaml", lambda d: entry(d, "PRO_CONVICTIONS").update(temporal="sometimes"))
    only(problems(mini.root), "indicators.yaml", "PRO_CONVICTIONS.temporal", "sum")


def test_duplicate_codes(mini: CatalogCopy) -> None:
    mini.edit("indicators.yaml", lambda d: d.append(dict(entry(d, "PRO_CONVICTIONS"))))
    only(problems(mini.root), "indicators.yaml", "PRO_CONVICTIONS", "duplicate indicator code")


def test_duplicate_district_codes(mini: CatalogCopy) -> None:
    def dup(d: dict[str, Any]) -> None:
        extra = dict(d["districts"][0])
        extra["outline"] = None
        extra["outline_note"] = "copy"
        d["districts"].append(extra)

    mini.edit("geography.yaml", dup)
    only(problems(mini.root), "geography.yaml", "", "duplicate district code")


def test_duplicate_yaml_key_in_a_mapping(mini: CatalogCopy) -> None:
    text = mini.text("roadmap.yaml")
    mini.write_text("roadmap.yaml", text + "\nfiscal_year_start_month: 1\n")
    issue = only(problems(mini.root), "roadmap.yaml", "fiscal_year_start_month", "duplicate key")
    assert issue.line == len(text.splitlines()) + 2


def test_yaml_syntax_error(mini: CatalogCopy) -> None:
    mini.write_text("rules.yaml", "- code: [unclosed\n")
    only(problems(mini.root), "rules.yaml", "", "YAML syntax error")


def test_missing_file_and_unknown_file(mini: CatalogCopy) -> None:
    (mini.root / "rules.yaml").unlink()
    mini.write_text("extras.yaml", "[]\n")
    issues = problems(mini.root)
    only(issues, "rules.yaml", "", "missing")
    only(issues, "extras.yaml", "", "unknown catalog file")


def test_dangling_indicator_institution(mini: CatalogCopy) -> None:
    mini.edit("indicators.yaml", lambda d: entry(d, "PRO_CONVICTIONS").update(institution="NAVY"))
    issue = only(problems(mini.root), "indicators.yaml", "PRO_CONVICTIONS.institution", "NAVY")
    assert issue.line is not None


def test_dangling_rule_indicator(mini: CatalogCopy) -> None:
    code = mini.data("rules.yaml")[0]["code"]
    mini.edit("rules.yaml", lambda d: d[0].update(left=["NO_SUCH_INDICATOR"]))
    only(problems(mini.root), "rules.yaml", f"{code}.left", "NO_SUCH_INDICATOR")


def test_dangling_kpi_indicator(mini: CatalogCopy) -> None:
    mini.edit("kpis.yaml", lambda d: entry(d, "CONVICTION_RATE").update(denominator="PRO_GHOST"))
    only(problems(mini.root), "kpis.yaml", "CONVICTION_RATE.denominator", "PRO_GHOST")


def test_dangling_target_kpi(mini: CatalogCopy) -> None:
    def add(d: list[dict[str, Any]]) -> None:
        ghost = dict(d[0])
        ghost["kpi"] = "GHOST_RATE"
        d.append(ghost)

    mini.edit("targets.yaml", add)
    only(problems(mini.root), "targets.yaml", "GHOST_RATE.kpi", "unknown KPI")


def test_dangling_district_division(mini: CatalogCopy) -> None:
    def move(d: dict[str, Any]) -> None:
        d["districts"][0]["division"] = "DIV_ATLANTIS"

    mini.edit("geography.yaml", move)
    code = mini.data("geography.yaml")["districts"][0]["code"]
    issue = only(problems(mini.root), "geography.yaml", f"{code}.division", "DIV_ATLANTIS")
    assert issue.line is not None


def test_dangling_target_district(mini: CatalogCopy) -> None:
    mini.edit("targets.yaml", lambda d: d[0].update(scope=["NOWHERE"]))
    issues = problems(mini.root)
    only(issues, "targets.yaml", ".scope", "unknown district 'NOWHERE'")


def test_outline_not_in_geojson(mini: CatalogCopy) -> None:
    def rename(d: dict[str, Any]) -> None:
        first = next(x for x in d["districts"] if x.get("outline"))
        first["outline"] = "Nowhere Land"

    mini.edit("geography.yaml", rename)
    only(problems(mini.root), "geography.yaml", ".outline", "Nowhere Land")


def test_district_without_outline_must_say_why(mini: CatalogCopy) -> None:
    def strip(d: dict[str, Any]) -> None:
        bare = next(x for x in d["districts"] if not x.get("outline"))
        bare.pop("outline_note", None)

    mini.edit("geography.yaml", strip)
    only(problems(mini.root), "geography.yaml", "outline_note", "must say why")


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"target": {"period": "2020-01", "value": 30}}, "target.period", "after the baseline"),
        ({"baseline": {"period": "2022-13", "value": 5}}, "baseline.period", "not a period"),
        ({"shape": "zigzag"}, "shape", "linear"),
        ({"shape": "milestones"}, "milestones", "needs milestones"),
        ({"milestones": [{"period": "2024", "value": 9}]}, "milestones", "only used with"),
        ({"tolerance": -1}, "tolerance", "greater than or equal"),
    ],
)
def test_malformed_trajectories(
    mini: CatalogCopy, change: dict[str, Any], key: str, message: str
) -> None:
    mini.edit("targets.yaml", lambda d: entry(d, "CONVICTION_RATE", "kpi").update(change))
    only(problems(mini.root), "targets.yaml", f"CONVICTION_RATE.{key}", message)


def test_milestone_outside_the_trajectory(mini: CatalogCopy) -> None:
    def bad(d: list[dict[str, Any]]) -> None:
        t = entry(d, "CONVICTION_RATE", "kpi")
        t["shape"] = "milestones"
        t["milestones"] = [{"period": "2030-01", "value": 12}]

    mini.edit("targets.yaml", bad)
    only(problems(mini.root), "targets.yaml", "CONVICTION_RATE.milestones[0]", "before the target")


def test_target_moving_the_wrong_way(mini: CatalogCopy) -> None:
    def flip(d: list[dict[str, Any]]) -> None:
        t = entry(d, "CONVICTION_RATE", "kpi")
        t["target"]["value"] = t["baseline"]["value"] - 1

    mini.edit("targets.yaml", flip)
    only(problems(mini.root), "targets.yaml", "CONVICTION_RATE.target.value", "wrong way")


def test_kpi_without_target(mini: CatalogCopy) -> None:
    mini.edit("targets.yaml", lambda d: d.remove(entry(d, "CONVICTION_RATE", "kpi")))
    only(problems(mini.root), "kpis.yaml", "CONVICTION_RATE", "no target")


def test_rule_across_institutions(mini: CatalogCopy) -> None:
    def cross(d: list[dict[str, Any]]) -> None:
        d[0]["left"] = ["PRO_CONVICTIONS"]
        d[0]["right"] = ["PRS_PRISONERS_TOTAL"]

    mini.edit("rules.yaml", cross)
    only(problems(mini.root), "rules.yaml", "", "one institution")


def test_every_problem_is_reported_in_one_run(mini: CatalogCopy) -> None:
    mini.edit("indicators.yaml", lambda d: entry(d, "PRO_CONVICTIONS").update(institution="NAVY"))
    mini.edit("kpis.yaml", lambda d: entry(d, "CONVICTION_RATE").update(numerator="PRO_GHOST"))
    mini.edit("targets.yaml", lambda d: entry(d, "CONVICTION_RATE", "kpi").update(shape="zigzag"))
    mini.write_text("rules.yaml", mini.text("rules.yaml") + "\n- bad: [\n")
    files = {i.file for i in problems(mini.root)}
    assert {"indicators.yaml", "kpis.yaml", "targets.yaml", "rules.yaml"} <= files


def test_missing_folder() -> None:
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog("/no/such/catalog")
