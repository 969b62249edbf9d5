"""`app.db_values`: the driver's values decoded as Tortoise's fields decode them."""

from __future__ import annotations

import json

import pytest

from app.db_values import json_value, json_values

DOCUMENTS = ['{"added": 4, "fetched": 9}', "[]", '["vip", "\\u00fcn\\u00ef"]', "{}", "null", "3", '"text"',
             ' [{"externalId": "row-2", "reason": "MISSING_EMAIL"}] ']


def test_a_column_decoded_at_once_equals_each_value_decoded_alone() -> None:
    assert json_values(DOCUMENTS) == [json_value(text) for text in DOCUMENTS] == [json.loads(t) for t in DOCUMENTS]
    assert json_values([]) == []


def test_values_already_decoded_pass_as_they_are() -> None:
    assert json_values([{"a": 1}, "[1]", None]) == [{"a": 1}, [1], None]


def test_a_value_that_is_not_one_document_is_not_split_into_its_neighbours() -> None:
    with pytest.raises(ValueError):
        json_values(["1, 2", "3"])  # one array of three would have hidden it
    with pytest.raises(ValueError):
        json_values(['{"a": 1', "2}"])
