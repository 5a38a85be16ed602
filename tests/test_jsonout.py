"""`--json` output is exactly what `json.dumps(data, ensure_ascii=False, indent=2, default=str)` gives."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dealcoach.jsonout import indented_json, indented_json_chunks

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(), st.dates())
keys = st.one_of(st.text(), st.text(alphabet=",\n: {}[]\"\\", max_size=6))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=5), st.tuples(inner, inner),
                                                      st.dictionaries(keys, inner, max_size=5)), max_leaves=40)


def _reference(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_same_text_as_json_dumps(data):
    assert indented_json(data) == _reference(data)


def test_the_cases_that_differ_in_the_c_encoder():
    tricky = [
        {}, [], [[]], [{}], {"a": {}}, {"a": []},
        {"text": "line\nbreak, \"quoted\" ,\n    not a separator", "中文": "宁夏 \u2028 \x1b[2J"},
        {1: "int key", 2.5: "float key", True: "bool key", None: "none key"},
        {"nested": {1: [1, {"x": None}]}, "after": [dt.date(2026, 12, 1), 1e16, -0.0, float("nan")]},
        [1, [2, [3, [4, {"deep": [5, "six"]}]]]],
        "just a string", 3, None, dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc),
    ]
    for data in tricky:
        assert indented_json(data) == _reference(data), data
        assert "".join(indented_json_chunks(data)) == _reference(data)
