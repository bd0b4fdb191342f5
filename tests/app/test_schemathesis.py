"""Property-based tests of the public API from its own OpenAPI document (schemathesis).

Every operation of ``/api/v1/openapi.json`` is called with generated parameters, valid ones
(positive) and, where the document constrains a parameter, invalid ones (negative), in process
through the Flask app (WSGI: no socket, no network), on SQLite and on PostgreSQL. Bounded: at
most ``MAX_EXAMPLES`` examples per operation and mode.

- :func:`test_answers_conform_to_the_document`: never a server error; every answer has a
  documented status code, content type, headers and body schema; no unpublished figure.
- :func:`test_input_validation_matches_the_document`: the document tells which requests are
  valid: valid ones are not rejected (no 400), invalid ones are (4xx).

The tests are driven by Hypothesis directly (``operation.as_strategy()``) rather than
schemathesis's pytest plugin: its lazy ``from_fixture`` loader fails on pytest 9 (it sets
``request.node._nodeid``), and the app comes from a fixture.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from dbmis.app.api import PREFIX
from dbmis.app.api.openapi import openapi_document
from dbmis.catalog import load_catalog
from tests.app.conftest import MINI, UNPUBLISHED_VALUES

MAX_EXAMPLES = 25
VALIDATION_CHECKS = [positive_data_acceptance, negative_data_rejection]
SELF = "/openapi.json"
"""The document's own operation (schemathesis leaves it out; tests/app/test_api.py checks it)."""


def _constrained(parameter: dict[str, Any]) -> bool:
    """Whether some value of the parameter's type breaks its schema (negative data exists)."""
    schema = parameter.get("schema", {})
    return schema.get("type") not in (None, "string") or bool(
        set(schema) & {"enum", "pattern", "minLength", "maxLength", "format", "const"}
    )


_DOCUMENT = openapi_document(load_catalog(MINI))
OPERATIONS: list[tuple[str, str, bool]] = [
    (method.upper(), path, any(_constrained(p) for p in operation.get("parameters", [])))
    for path, methods in _DOCUMENT["paths"].items()
    for method, operation in methods.items()
    if path != SELF
]
"""(method, path, can be sent invalid data) of every operation the document describes."""


PLAIN = {"Accept-Encoding": "identity"}
"""Ask for answers without gzip (see :mod:`dbmis.app.compression`)."""


def _cases() -> list[Any]:
    cases = []
    for method, path, has_negative in OPERATIONS:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode is GenerationMode.NEGATIVE and not has_negative:
                continue
            cases.append(pytest.param(method, path, mode, id=f"{method} {path} {mode}"))
    return cases


@pytest.fixture
def api_schema(app: Any) -> Any:
    """The document as the app serves it, bound to the app (calls go through WSGI)."""
    return schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app.server)


def _run(
    api_schema: Any,
    method: str,
    path: str,
    mode: GenerationMode,
    check: Any,
    **hypothesis: Any,
) -> list[int]:
    """Call the operation with up to MAX_EXAMPLES generated cases; ``check(case)`` each."""
    operation = api_schema[path][method]
    statuses: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        **hypothesis,
    )
    def run(case: Any) -> None:
        statuses.append(check(case))

    run()
    assert statuses, "no request was made"
    return statuses


def test_every_operation_is_tested(api_schema: Any) -> None:
    found = {(r.ok().method.upper(), r.ok().path) for r in api_schema.get_all_operations()}
    assert found == {(method, path) for method, path, _ in OPERATIONS}


@pytest.mark.parametrize(("method", "path", "mode"), _cases())
def test_answers_conform_to_the_document(
    api_schema: Any, method: str, path: str, mode: GenerationMode
) -> None:
    def check(case: Any) -> int:
        # plain bytes: the WSGI transport does not undo gzip (and the leak check reads the text)
        response = case.call_and_validate(excluded_checks=VALIDATION_CHECKS, headers=PLAIN)
        if response.status_code == 200:
            leaked = [v for v in UNPUBLISHED_VALUES if str(v) in response.text]
            assert not leaked, f"unpublished figures {leaked} in {case.formatted_path}"
        return int(response.status_code)

    statuses = _run(api_schema, method, path, mode, check)
    assert all(s < 500 for s in statuses), sorted(set(statuses))


@pytest.mark.parametrize(("method", "path", "mode"), _cases())
def test_input_validation_matches_the_document(
    api_schema: Any, method: str, path: str, mode: GenerationMode
) -> None:
    def check(case: Any) -> int:
        response = case.call_and_validate(checks=VALIDATION_CHECKS, headers=PLAIN)
        return int(response.status_code)

    # derandomised: the same cases every run
    _run(api_schema, method, path, mode, check, derandomize=True)
