"""The OpenAPI 3.1 document comes from the route table, the request classes and the response
schemas the endpoints declare."""

from __future__ import annotations

import json
import re

import punq
from jsonschema import Draft202012Validator
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from entrypoints.http.app import create_app


def test_every_route_is_documented_with_roles_bodies_and_a_summary(
        client: TestClient, bank: punq.Container) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    app = create_app(bank)
    served = {(("/api/v1" if isinstance(m, Mount) else "") + r.path, method.lower())
              for m in app.routes for r in (m.routes if isinstance(m, Mount) else [m])
              if isinstance(r, Route) for method in (r.methods or ()) if method != "HEAD"}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == documented
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op["summary"] and " " in op["summary"], (method, path)  # a sentence
            assert "default" in op["responses"]
    transfer = document["paths"]["/api/v1/accounts/{account_number}/transfer"]["post"]
    schema = transfer["requestBody"]["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False and schema["required"] == ["amount"]
    assert transfer["x-roles"] == ["customer"] and "201" in transfer["responses"]
    statement = document["paths"]["/api/v1/accounts/{account_number}/statement/download"]["post"]
    assert set(statement["requestBody"]["content"]["application/json"]["schema"]["required"]) == \
        {"from", "to"}
    assert {"413", "415"} <= set(transfer["responses"])
    listing = document["paths"]["/api/v1/accounts/{account_number}/transactions"]["get"]
    assert [(p["name"], p["in"]) for p in listing["parameters"]] == [
        ("account_number", "path"), ("limit", "query"), ("cursor", "query"), ("from", "query"),
        ("to", "query")]
    login = document["paths"]["/api/v1/auth/login"]["post"]
    assert "security" not in login and "requestBody" in login


def test_no_two_routes_answer_the_same_request_so_their_order_cannot_matter(
        bank: punq.Container) -> None:
    # The router tries the busiest routes first; that is only safe while no path a route
    # serves could also be taken by another route for the same method.
    app = create_app(bank)
    routes = [(r.path, r) for r in app.routes if isinstance(r, Route)]
    assert len(routes) == len(app.routes) >= 40  # all flat, none hidden in a Mount
    for path, route in routes:
        concrete = path.replace("{", "").replace("}", "")  # /accounts/account_number/balance
        for method in route.methods or ():
            takers = [p for p, other in routes if method in (other.methods or ())
                      and other.path_regex.fullmatch(concrete)]
            assert takers == [path], (method, path, takers)


def test_every_answer_with_a_body_documents_its_schema(client: TestClient) -> None:
    # A success without a schema tells a client nothing about what it gets back.
    document = client.get("/openapi.json").json()
    missing, bodies_on_204 = [], []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                content = answer.get("content", {})
                if status == "204" and content:
                    bodies_on_204.append((method, path))
                elif status.startswith("2") and status != "204" and (
                        not content or any("schema" not in media for media in content.values())):
                    missing.append((method, path, status))
    assert missing == [], missing
    assert bodies_on_204 == [], bodies_on_204
    statement = document["paths"]["/api/v1/accounts/{account_number}/statement/download"]["post"]
    assert set(statement["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    transfer = document["paths"]["/api/v1/accounts/{account_number}/transfer"]["post"]
    assert transfer["responses"]["202"] == transfer["responses"]["201"]  # held: the same body
    assert set(document["paths"]["/docs"]["get"]["responses"]["200"]["content"]) == {"text/html"}


def test_the_response_schemas_are_valid_and_every_reference_resolves(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
        if schema.get("type") == "object" and "properties" in schema:
            assert schema["additionalProperties"] is False, name  # a forgotten key fails
    references = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    for reference in references:
        assert reference.startswith("#/components/"), reference
        _, kind, name = reference.removeprefix("#/").split("/")
        assert name in document["components"][kind], reference
