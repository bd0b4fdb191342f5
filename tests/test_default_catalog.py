"""The bundled Balochistan catalog loads cleanly and says what the Roadmap needs it to say."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache

import pytest
from pydantic import BaseModel

from dbmis.catalog import Catalog, default_catalog_dir, load_catalog
from dbmis.catalog.models import Shape, Text, Unit

INSTITUTIONS = {
    "POLICE",
    "LEVIES",
    "PROSECUTION",
    "COURTS",
    "PRISONS",
    "LEGAL_AID",
    "GBV_CENTRES",
    "FORENSICS",
    "TRAINING",
}

# Districts created after 2019: no shape of their own in the 2019 boundaries.
NEW_DISTRICTS = {
    "WASHUK",
    "HARNAI",
    "SHERANI",
    "DUKI",
    "CHAMAN",
    "HUB",
    "SURAB",
    "SOHBATPUR",
    "USTA_MUHAMMAD",
    "LEHRI",
}

# Division memberships (shared geo/README.md plus the districts created after 2019).
DIVISIONS = {
    "DIV_QUETTA": {"QUETTA", "PISHIN", "QILLA_ABDULLAH", "CHAMAN"},
    "DIV_ZHOB": {"ZHOB", "QILLA_SAIFULLAH", "SHERANI"},
    "DIV_LORALAI": {"LORALAI", "BARKHAN", "MUSAKHEL", "DUKI"},
    "DIV_SIBI": {"SIBI", "ZIARAT", "KOHLU", "DERA_BUGTI", "HARNAI", "LEHRI"},
    "DIV_NASIRABAD": {
        "NASIRABAD",
        "JAFARABAD",
        "JHAL_MAGSI",
        "KACHHI",
        "SOHBATPUR",
        "USTA_MUHAMMAD",
    },
    "DIV_KALAT": {"KALAT", "MASTUNG", "KHUZDAR", "AWARAN", "LASBELA", "HUB", "SURAB"},
    "DIV_RAKHSHAN": {"KHARAN", "NUSHKI", "CHAGAI", "WASHUK"},
    "DIV_MAKRAN": {"KECH", "GWADAR", "PANJGUR"},
}

REQUIRED_KPIS = {
    "CONVICTION_RATE",
    "UNDERTRIAL_SHARE",
    "TIMELY_CHALLAN_RATE",
    "CASE_CLEARANCE_RATE",
    "PRISON_OCCUPANCY",
    "LEGAL_AID_FUND_USE",
    "GBV_RESOLUTION_RATE",
    "FORENSIC_EVIDENCE_USE",
    "CRIME_SCENE_ATTENDANCE",
    "PERSONNEL_TRAINED",
}

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")


@cache
def catalog() -> Catalog:
    # the bundled folder, explicitly: a DBMIS_CATALOG set in the environment must not matter
    return load_catalog(default_catalog_dir())


def texts(obj: object, where: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text inside a model (or a list of models), with a path for the failure message."""
    if isinstance(obj, Text):
        yield where, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from texts(getattr(obj, name), f"{where}.{name}")
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            label = getattr(item, "code", None) or getattr(item, "kpi", None) or i
            yield from texts(item, f"{where}[{label}]")


def test_loads_without_problems() -> None:
    cat = catalog()  # load_catalog raises CatalogError listing every problem
    assert cat.roadmap.province_code == "BAL"
    assert cat.roadmap.fiscal_year_start_month == 7
    assert cat.roadmap.first_reporting_year == 2022
    assert len(cat.roadmap.priorities) == 3
    assert {f.name for f in cat.folder.iterdir() if f.suffix in (".yaml", ".geojson")} == {
        "roadmap.yaml",
        "geography.yaml",
        "institutions.yaml",
        "indicators.yaml",
        "rules.yaml",
        "kpis.yaml",
        "targets.yaml",
        "action_plan.yaml",
        "districts.geojson",
    }


def test_divisions_and_their_districts() -> None:
    cat = catalog()
    assert len(cat.divisions) == 8
    assert {d.code for d in cat.divisions} == set(DIVISIONS)
    for division, members in DIVISIONS.items():
        assert {d.code for d in cat.districts_of(division)} == members, division


def test_districts_and_outlines() -> None:
    cat = catalog()
    assert len(cat.districts) == 37
    without = {d.code for d in cat.districts if d.outline is None}
    assert without == NEW_DISTRICTS
    for d in cat.districts:
        if d.code in NEW_DISTRICTS:
            assert d.outline_note and "2019" in d.outline_note, d.code
        else:
            assert d.outline in cat.outlines, d.code
    drawn = [d for d in cat.districts if d.outline]
    assert len(drawn) == 27
    assert {d.outline for d in drawn} == set(cat.outlines)


def test_outlines_file_is_a_feature_collection_with_attribution() -> None:
    cat = catalog()
    data = json.loads((cat.folder / "districts.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 27
    assert "geoBoundaries" in (cat.geography.outlines_attribution or "")


def test_centroids_lie_in_balochistan() -> None:
    for d in catalog().districts:
        assert 24 <= d.centroid.lat <= 32.5, d.code
        assert 60.5 <= d.centroid.lon <= 70.5, d.code


def test_institutions_and_indicators() -> None:
    cat = catalog()
    assert {i.code for i in cat.institutions} == INSTITUTIONS
    assert len(cat.indicators) >= 40
    for code in INSTITUTIONS:
        assert len(cat.indicators_of(code)) >= 4, code
    for ind in cat.indicators:
        if ind.unit in (Unit.percent, Unit.score):
            assert ind.max is not None, ind.code


def test_rules() -> None:
    cat = catalog()
    assert len(cat.rules) >= 12
    # every rule belongs to exactly one institution's template
    assert sum(len(cat.rules_of(i.code)) for i in cat.institutions) == len(cat.rules)


def test_kpis() -> None:
    cat = catalog()
    assert len(cat.kpis) >= 10
    assert set(cat.kpi_by_code) >= REQUIRED_KPIS
    headline = {k.code for k in cat.headline_kpis}
    assert 2 <= len(headline) <= 3
    assert {"CONVICTION_RATE", "UNDERTRIAL_SHARE"} <= headline
    trained = cat.kpi_by_code["PERSONNEL_TRAINED"]
    assert trained.denominator == []
    assert trained.unit is Unit.count
    assert {k.priority for k in cat.kpis} == {p.code for p in cat.roadmap.priorities}


def test_every_kpi_has_a_province_target() -> None:
    cat = catalog()
    for kpi in cat.kpis:
        assert cat.province_target(kpi.code).is_province, kpi.code
    assert {t.shape for t in cat.targets} == set(Shape)


def test_grounded_baselines() -> None:
    cat = catalog()
    assert cat.province_target("CONVICTION_RATE").baseline.value == 7.5
    assert cat.province_target("CONVICTION_RATE").target.value == 20
    assert cat.province_target("UNDERTRIAL_SHARE").baseline.value == 74
    assert cat.province_target("LEGAL_AID_FUND_USE").baseline.value == 5


def test_district_training_targets_add_up_to_the_province() -> None:
    cat = catalog()
    province = cat.province_target("PERSONNEL_TRAINED")
    parts = [t for t in cat.targets_of("PERSONNEL_TRAINED") if not t.is_province]
    assert all(t.adds_up_to_province for t in parts)
    assert {d for t in parts for d in t.scope} == set(cat.district_by_code)
    assert sum(t.baseline.value for t in parts) == province.baseline.value
    assert sum(t.target.value for t in parts) == province.target.value
    for t in parts:
        assert (t.baseline.period, t.target.period, t.shape) == (
            province.baseline.period,
            province.target.period,
            province.shape,
        )


@pytest.mark.parametrize(
    "part", ["roadmap", "geography", "institutions", "indicators", "rules", "kpis", "plan"]
)
def test_every_urdu_text_is_in_urdu_script(part: str) -> None:
    found = list(texts(getattr(catalog(), part), part))
    assert found
    for where, text in found:
        assert ARABIC_SCRIPT.search(text.ur), f"{where}: {text.ur!r}"
        assert text.ur != text.en, where
