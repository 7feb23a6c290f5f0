"""Small builders for the JSON Schemas (2020-12, as OpenAPI 3.1 uses) of what the API answers.
Each returns a plain dict, so a shape reads like the view that makes it; an object built here
refuses keys it does not name, so a view that grows a key its schema forgot fails the tests."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from domain.money import MINOR_DIGITS

Schema = dict[str, Any]

COMPONENTS: dict[str, Schema] = {}  # components.schemas of /openapi.json, filled by `component`

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
TRUE: Schema = {"const": True}
UUID: Schema = {"type": "string", "format": "uuid"}
DATE: Schema = {"type": "string", "format": "date"}
# domain/timestamps.py writes every moment in UTC with a Z, to the second or the microsecond:
# the pattern says so, and holds even where no checker of `format` is installed.
DATE_TIME: Schema = {"type": "string", "format": "date-time",
                     "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z$"}
CURRENCY: Schema = {"type": "string", "enum": sorted(MINOR_DIGITS)}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def component(name: str, schema: Schema) -> Schema:
    """Keep `schema` under components.schemas as `name`; the `$ref` to use it by."""
    assert name not in COMPONENTS, name  # two shapes under one name: the second would win
    COMPONENTS[name] = schema
    return ref(name)


def obj(required: Mapping[str, Schema], optional: Mapping[str, Schema] | None = None) -> Schema:
    """An object with exactly these keys: `required` always there, `optional` only sometimes."""
    return {"type": "object", "properties": {**required, **(optional or {})},
            "required": list(required), "additionalProperties": False}


def array(of: Schema) -> Schema:
    return {"type": "array", "items": of}


def nullable(of: Schema) -> Schema:
    """The value, or JSON null (an absent date, an id not assigned yet)."""
    return {"anyOf": [of, {"type": "null"}]}


def choice(kind: type[enum.Enum]) -> Schema:
    """A string among an enum's values: the domain's own list, so a new member is documented."""
    return {"type": "string", "enum": [member.value for member in kind]}


def mapping(of: Schema) -> Schema:
    """An object of free keys (metadata, audit details), every value `of`."""
    return {"type": "object", "additionalProperties": of}


def items(of: Schema) -> Schema:
    """A whole list: {"items": [...]}."""
    return obj({"items": array(of)})


def page(of: Schema) -> Schema:
    """One page of a list: {"items": [...], "next_cursor": the next page's cursor, or null}."""
    return obj({"items": array(of), "next_cursor": nullable(STRING)})


_AMOUNT = r"(0|[1-9][0-9]*)(\.[0-9]+)?$"
MONEY = component("Money", {
    "type": "object", "additionalProperties": False, "required": ["amount", "currency"],
    "properties": {"amount": {"type": "string", "pattern": "^" + _AMOUNT}, "currency": CURRENCY}})
# A difference (a till's net) may be below zero; amounts and balances of customers never are.
SIGNED_MONEY = component("SignedMoney", {
    "type": "object", "additionalProperties": False, "required": ["amount", "currency"],
    "properties": {"amount": {"type": "string", "pattern": "^-?" + _AMOUNT},
                   "currency": CURRENCY}})
