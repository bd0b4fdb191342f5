"""Bounded fuzzing: mutated workbooks are accepted or rejected, never anything else."""

from __future__ import annotations

import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dbmis.ingest.safety import UploadRejected, WorkbookFacts, inspect_xlsx
from tests.ingest import hostile

SEEDS = {
    "deflated": hostile.clean_workbook(),
    "stored": hostile.variant(compression=zipfile.ZIP_STORED),
    "formula": hostile.case("formula_cached_value.xlsx")[1],
}

TOKENS = [
    b"<",
    b">",
    b"/>",
    b"</c>",
    b"<c>",
    b"<f>1</f>",
    b'r="',
    b"&",
    b"&amp;",
    b"<!DOCTYPE x>",
    b"\x00",
    b"\xff\xfe",
    b'<row r="0">',
    b'<c r="XFD1">',
    b'xmlns="urn:x"',
    b'<?xml version="1.0" encoding="cp500"?>',
]

# (operation, position as a fraction of the length, payload byte, token index)
mutation = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "set", "tail"]),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.integers(min_value=0, max_value=255),
)


def _mutate(data: bytes, mutations: list[tuple[str, float, int]]) -> bytes:
    buf = bytearray(data)
    for op, where, value in mutations:
        if not buf:
            buf.append(value)
            continue
        if op == "tail":  # aim at the central directory and end record
            pos = len(buf) - 1 - int(where * min(len(buf) - 1, 1500))
        else:
            pos = int(where * (len(buf) - 1))
        if op == "flip":
            buf[pos] ^= 1 << (value % 8)
        elif op == "insert":
            buf.insert(pos, value)
        elif op == "delete":
            del buf[pos]
        else:
            buf[pos] = value
    return bytes(buf)


def _accepted_or_rejected(data: bytes) -> None:
    try:
        result = inspect_xlsx(data)
    except UploadRejected as exc:
        assert exc.problems
        return
    assert isinstance(result, WorkbookFacts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(sorted(SEEDS)),
    mutations=st.lists(mutation, min_size=1, max_size=8),
)
def test_byte_mutations_are_accepted_or_rejected(
    seed: str, mutations: list[tuple[str, float, int]]
) -> None:
    _accepted_or_rejected(_mutate(SEEDS[seed], mutations))


PARTS = hostile.parts(SEEDS["formula"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    part=st.sampled_from(sorted(PARTS)),
    position=st.floats(min_value=0, max_value=1, allow_nan=False),
    token=st.sampled_from(TOKENS),
    cut=st.integers(min_value=0, max_value=30),
)
def test_part_mutations_behind_valid_crcs_are_accepted_or_rejected(
    part: str, position: float, token: bytes, cut: int
) -> None:
    # mutate a part's content and rebuild the zip, so the XML layers (not CRCs) are exercised
    content = PARTS[part]
    pos = int(position * len(content))
    changed = dict(PARTS)
    changed[part] = content[:pos] + token + content[pos + cut :]
    _accepted_or_rejected(hostile.build(changed.items()))
