"""Load a catalog folder: read each YAML file, validate each entry, then check references.

Every problem in every file is collected before anything is raised, so that one run of
``dbmis catalog check`` lists them all, each with its file, line and key.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from dbmis.catalog.catalog import Catalog, CatalogIssue
from dbmis.catalog.checks import check_catalog
from dbmis.catalog.models import Geography, Indicator, Institution, Kpi, Roadmap, Rule, Target
from dbmis.catalog.plan import PLAN_FILE, ActionPlan
from dbmis.catalog.plan_checks import check_plan, parse_plan
from dbmis.catalog.yamlio import YamlDoc, read_yaml
from dbmis.errors import CatalogError

M = TypeVar("M", bound=BaseModel)

MAPPING_FILES = {"roadmap.yaml": Roadmap, "geography.yaml": Geography}
LIST_FILES: dict[str, type[BaseModel]] = {
    "institutions.yaml": Institution,
    "indicators.yaml": Indicator,
    "rules.yaml": Rule,
    "kpis.yaml": Kpi,
    "targets.yaml": Target,
}
REQUIRED_FILES = (*MAPPING_FILES, *LIST_FILES)
OPTIONAL_FILES = (PLAN_FILE,)


def default_catalog_dir() -> Path:
    """The bundled Balochistan catalog."""
    return Path(str(resources.files("dbmis.catalog") / "balochistan"))


def resolve_catalog_dir(folder: Path | str | None = None) -> Path:
    """The given folder (settings pass ``DBMIS_CATALOG`` here), else the bundled default."""
    return Path(folder) if folder else default_catalog_dir()


class _Collector:
    def __init__(self) -> None:
        self.issues: list[CatalogIssue] = []

    def add(self, file: str, key: str, message: str, line: int | None = None) -> None:
        self.issues.append(CatalogIssue(file=file, key=key, message=message, line=line))

    def from_doc(self, doc: YamlDoc) -> None:
        for path, line, message in doc.problems:
            self.add(doc.file, _key(path), message, line or None)

    def from_validation(
        self, doc: YamlDoc, exc: ValidationError, prefix: tuple[str | int, ...], label: str
    ) -> None:
        for err in exc.errors():
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
            )
            # pydantic reports the tried branch of a union in loc (e.g. 'list[...]'); drop it
            loc = tuple(
                p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("literal")))
            )
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown key (check its spelling)"
            elif err["type"] == "missing":
                message = "required key is missing"
            key = ".".join([label, *(str(p) for p in loc)]) if label else _key(loc)
            self.add(doc.file, key, message, doc.line_of(prefix + loc))


def _key(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _parse_mapping(doc: YamlDoc, model: type[M], out: _Collector) -> M | None:
    if not isinstance(doc.data, dict):
        out.add(doc.file, "", "must be a mapping of keys to values", doc.line_of(()))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        out.from_validation(doc, exc, (), "")
        return None


def _parse_list(
    doc: YamlDoc, model: type[M], out: _Collector, positions: dict[int, tuple[str | int, ...]]
) -> list[M]:
    if doc.data is None:
        return []
    if not isinstance(doc.data, list):
        out.add(doc.file, "", "must be a list of entries, each starting with '- code:'", 1)
        return []
    items: list[M] = []
    for index, entry in enumerate(doc.data):
        label = f"[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("code") or entry.get("kpi"), str):
            label = f"{entry.get('code') or entry.get('kpi')}"
        try:
            item = model.model_validate(entry)
        except ValidationError as exc:
            out.from_validation(doc, exc, (index,), label)
            continue
        items.append(item)
        positions[id(item)] = (index,)
    return items


def _read_outlines(folder: Path, name: str, out: _Collector) -> dict[str, dict[str, Any]]:
    path = folder / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        out.add("geography.yaml", "outlines", f"cannot read {name}: {exc}")
        return {}
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        out.add(name, "features", "not a GeoJSON FeatureCollection")
        return {}
    shapes: dict[str, dict[str, Any]] = {}
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        geom = feature.get("geometry") or {}
        shape_name = props.get("shapeName")
        if not shape_name or geom.get("type") not in ("Polygon", "MultiPolygon"):
            out.add(name, f"features[{index}]", "needs properties.shapeName and a (Multi)Polygon")
            continue
        shapes[shape_name] = geom
    return shapes


def load_catalog(folder: Path | str | None = None) -> Catalog:
    """Load and check a catalog folder; raise :class:`CatalogError` listing every problem."""
    root = resolve_catalog_dir(folder)
    out = _Collector()
    if not root.is_dir():
        raise CatalogError(f"catalog folder {root} does not exist", [])
    docs: dict[str, YamlDoc] = {}
    for name in REQUIRED_FILES:
        path = root / name
        if not path.is_file():
            out.add(name, "", "file is missing from the catalog folder")
            continue
        docs[name] = read_yaml(path)
        out.from_doc(docs[name])
    for name in OPTIONAL_FILES:
        if (root / name).is_file():
            docs[name] = read_yaml(root / name)
            out.from_doc(docs[name])
    known = (*REQUIRED_FILES, *OPTIONAL_FILES)
    for path in sorted(root.glob("*.y*ml")):
        if path.name not in known:
            out.add(path.name, "", f"unknown catalog file (expected: {', '.join(known)})")

    roadmap = _parse_mapping(docs["roadmap.yaml"], Roadmap, out) if "roadmap.yaml" in docs else None
    geography = (
        _parse_mapping(docs["geography.yaml"], Geography, out) if "geography.yaml" in docs else None
    )
    positions: dict[int, tuple[str | int, ...]] = {}
    if geography is not None:
        positions.update({id(d): ("divisions", i) for i, d in enumerate(geography.divisions)})
        positions.update({id(d): ("districts", i) for i, d in enumerate(geography.districts)})
    if roadmap is not None:
        positions.update({id(p): ("priorities", i) for i, p in enumerate(roadmap.priorities)})
    lists = {
        name: (_parse_list(docs[name], model, out, positions) if name in docs else [])
        for name, model in LIST_FILES.items()
    }
    plan = parse_plan(docs[PLAN_FILE], out, positions) if PLAN_FILE in docs else ActionPlan()
    outlines: dict[str, dict[str, Any]] = {}
    if geography is not None and geography.outlines:
        outlines = _read_outlines(root, geography.outlines, out)

    if roadmap is None or geography is None:
        raise CatalogError(_summary(root, out.issues), out.issues)
    catalog = Catalog(
        folder=root,
        roadmap=roadmap,
        geography=geography,
        institutions=tuple(lists["institutions.yaml"]),  # type: ignore[arg-type]
        indicators=tuple(lists["indicators.yaml"]),  # type: ignore[arg-type]
        rules=tuple(lists["rules.yaml"]),  # type: ignore[arg-type]
        kpis=tuple(lists["kpis.yaml"]),  # type: ignore[arg-type]
        targets=tuple(lists["targets.yaml"]),  # type: ignore[arg-type]
        outlines=outlines,
        plan=plan if plan is not None else ActionPlan(),
    )
    for finding in [*check_catalog(catalog), *check_plan(catalog)]:
        doc = docs.get(finding.file)
        line = None
        if doc is not None:
            where = positions.get(id(finding.obj)) if finding.obj is not None else None
            if where is not None:
                line = doc.line_of(where + finding.sub)
            elif finding.path is not None:
                line = doc.line_of(finding.path)
        out.add(finding.file, finding.key, finding.message, line)
    if out.issues:
        raise CatalogError(_summary(root, out.issues), out.issues)
    return catalog


def _summary(root: Path, issues: list[CatalogIssue]) -> str:
    lines = [f"catalog {root} has {len(issues)} problem(s):"]
    lines += [f"  {issue}" for issue in issues]
    return "\n".join(lines)
