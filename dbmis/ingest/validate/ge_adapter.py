"""The one adapter around Great Expectations 1.x. No other module imports great_expectations.

``import great_expectations`` takes seconds and ~230 MB, so it happens lazily, on the first
validation, once per process (:func:`_engine` is cached); a web server should trigger it at
start-up (``gunicorn --preload`` plus :func:`warm_up`). Usage statistics are switched off before
the import. Callers describe expectations with :class:`ExpectationSpec` and get
:class:`Failure` objects back: no GE type leaks out of this module.

GE quirks handled here: results are not in suite order (they are keyed by the ``meta`` id);
results hold numpy types (converted by :func:`_plain`; ``to_json_dict()`` would too, but it
deep-copies every unexpected row and is slow on big failures); ``*_to_be_between`` skips nulls;
row conditions are built with ``Column(...)`` (string conditions are deprecated); progress bars
are silenced through the context variables. Failing rows are identified by the frame's default
index (GE lists it as is), not with ``unexpected_index_column_names``: for those GE builds one
dict per failing row with a ``DataFrame.at`` lookup per column (~2 s for 3,000 failing rows).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import pandas as pd

#: expectation types this adapter accepts (GE class names are derived from them)
KINDS = frozenset(
    {
        "expect_column_values_to_be_between",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_to_be_equal",
        "expect_compound_columns_to_be_unique",
    }
)

_SUITES_KEPT = 16
"""Suites kept between runs (each a few 100 kB)."""

Op = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in"]


@dataclass(frozen=True)
class Where:
    """A row condition: ``column op value`` (e.g. ``Where("indicator", "==", "PRO_X")``)."""

    column: str
    op: Op
    value: Any


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation, described without GE types.

    ``kind`` is a GE expectation type (see :data:`KINDS`), ``kwargs`` its arguments (column
    names, bounds, ``or_equal``, ``ignore_row_if``...), ``meta`` a unique id the caller uses to
    match failures back, ``where`` an optional row condition (all must hold).
    """

    kind: str
    kwargs: Mapping[str, Any]
    meta: str
    where: tuple[Where, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unsupported expectation kind {self.kind!r}")


@dataclass(frozen=True)
class Failure:
    """A failed expectation: the index values of the failing rows and their values."""

    meta: str
    kind: str
    keys: list[Any] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    unexpected_count: int = 0
    observed: Any = None  # for aggregate expectations


class ValidationEngineError(RuntimeError):
    """An expectation could not be evaluated (a programming error, not a data problem)."""


def run_expectations(
    frame: pd.DataFrame, specs: Sequence[ExpectationSpec], *, index_column: str = "row_id"
) -> list[Failure]:
    """Evaluate ``specs`` on ``frame`` in one GE validation run; return the failures.

    ``index_column`` identifies rows in the failures (:attr:`Failure.keys` are its values);
    it must be unique in ``frame``. Failures come back in the order of ``specs``.
    """
    if not specs:
        return []
    metas = [s.meta for s in specs]
    if len(set(metas)) != len(metas):
        raise ValueError("ExpectationSpec.meta must be unique within one run")
    return _engine().run(frame, specs, index_column)


def warm_up() -> None:
    """Import Great Expectations and build the context now (e.g. in a pre-forking server)."""
    _engine()


def is_loaded() -> bool:
    """Whether this process has built the GE engine already."""
    return _engine.cache_info().currsize > 0


class _Engine:
    def __init__(self) -> None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        os.environ.setdefault("GX_USAGE_STATISTICS_ENABLED", "false")
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.expectations.row_conditions import Column

        self.gx, self.gxe, self.Column = gx, gxe, Column
        ctx = gx.get_context(mode="ephemeral")
        if hasattr(ctx, "enable_analytics"):
            ctx.enable_analytics(False)
        ctx.variables.progress_bars = {  # type: ignore[assignment]  # a TypedDict in GE
            "globally": False,
            "metric_calculations": False,
        }
        source = ctx.data_sources.add_pandas("dbmis")
        self.batch_definition = source.add_dataframe_asset(
            "cells"
        ).add_batch_definition_whole_dataframe("whole")
        self.lock = threading.Lock()  # one GE context; validations run one at a time
        self.runs = 0
        self.suites: dict[str, Any] = {}  # repr of the specs -> suite, least recently used first

    def _condition(self, where: tuple[Where, ...]) -> Any:
        condition = None
        for w in where:
            col = self.Column(w.column)
            part = {
                "==": lambda c, v: c == v,
                "!=": lambda c, v: c != v,
                "<": lambda c, v: c < v,
                "<=": lambda c, v: c <= v,
                ">": lambda c, v: c > v,
                ">=": lambda c, v: c >= v,
                "in": lambda c, v: c.is_in(v),
                "not in": lambda c, v: c.is_not_in(v),
            }[w.op](col, w.value)
            condition = part if condition is None else condition & part
        return condition

    def _expectation(self, spec: ExpectationSpec) -> Any:
        name = "".join(p.capitalize() for p in spec.kind.split("_"))
        cls = getattr(self.gxe, name)
        kwargs = dict(spec.kwargs)
        if spec.where:
            kwargs["row_condition"] = self._condition(spec.where)
        return cls(**kwargs, meta={"dbmis": spec.meta})

    def _suite(self, specs: Sequence[ExpectationSpec]) -> Any:
        """The suite of ``specs``, built once and kept (the same catalog gives the same specs
        run after run; building 26 expectations costs GE's pydantic models a few 10 ms)."""
        key = repr(tuple(specs))
        suite = self.suites.pop(key, None)
        if suite is None:
            suite = self.gx.ExpectationSuite(name=f"dbmis-{len(self.suites)}-{self.runs}")
            for spec in specs:
                suite.add_expectation(self._expectation(spec))
        self.suites[key] = suite  # most recently used last
        while len(self.suites) > _SUITES_KEPT:
            del self.suites[next(iter(self.suites))]
        return suite

    def run(
        self, frame: pd.DataFrame, specs: Sequence[ExpectationSpec], index_column: str
    ) -> list[Failure]:
        if not (
            isinstance(frame.index, pd.RangeIndex)
            and frame.index.start == 0
            and frame.index.step == 1
        ):
            frame = frame.reset_index(drop=True)
        ids = frame[index_column].to_numpy()  # GE reports positions; these are the keys
        with self.lock:
            self.runs += 1
            suite = self._suite(specs)
            batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(
                suite,
                result_format={"result_format": "COMPLETE"},
            )
        # Results are read field by field and numpy scalars converted here: the documented
        # ``result.to_json_dict()`` deep-copies every unexpected row and took 10 s of a 25 s
        # run on a 1M-line CSV with many failures.
        by_meta: dict[str, Any] = {}
        for item in result.results:
            meta = getattr(item.expectation_config, "meta", None) or {}
            by_meta[str(meta.get("dbmis", ""))] = item
        failures = []
        for spec in specs:
            found = by_meta.get(spec.meta)
            if found is None:
                raise ValidationEngineError(f"no result for expectation {spec.meta!r}")
            item = found
            if error := _raised(item.exception_info):
                raise ValidationEngineError(
                    f"expectation {spec.meta!r} ({spec.kind}) failed to run: {error}"
                )
            if item.success:
                continue
            res = item.result or {}
            index_list = res.get("unexpected_index_list") or []
            failures.append(
                Failure(
                    meta=spec.meta,
                    kind=spec.kind,
                    keys=[_plain(ids[int(position)]) for position in index_list],
                    values=[_plain(v) for v in res.get("unexpected_list") or []],
                    unexpected_count=int(res.get("unexpected_count") or 0),
                    observed=_plain(res.get("observed_value")),
                )
            )
        return failures


def _plain(value: Any) -> Any:
    """numpy scalars (and lists of them) as plain Python values."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, str | bytes):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


def _raised(info: Any) -> str | None:
    """The exception message in a result's ``exception_info`` (flat or keyed by metric)."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "unknown error")
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "unknown error")
    return None


@cache
def _engine() -> _Engine:
    return _Engine()
