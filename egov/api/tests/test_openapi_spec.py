"""Use case: a client generated from /api/v1/openapi.json gets the types and limits the API applies."""

from typing import Any, get_args

import pytest
from pydantic import BaseModel

from egov.api.urls import api


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _models(annotation: Any, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, found)
        return
    for argument in get_args(annotation):
        _models(argument, found)


def _schemas_of_every_operation() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    _models(model, found)
                for model in operation.models:  # ninja's generated wrappers of path, query and body
                    for field in model.model_fields.values():
                        _models(field.annotation, found)
    return found


def test_no_two_schemas_of_the_api_share_a_name():
    """ninja names a component after its class: two classes of one name make one of them wrong."""
    by_name: dict[str, set[str]] = {}
    for model in _schemas_of_every_operation():
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    assert {name: classes for name, classes in by_name.items() if len(classes) > 1} == {}


def test_the_catalogue_and_the_dossier_papers_have_their_own_schemas(spec):
    schemas = spec["components"]["schemas"]
    assert {"copies", "originals"} <= set(schemas["ProcedureComponentOut"]["properties"])
    assert {"is_digitised", "document_id"} <= set(schemas["DossierComponentOut"]["properties"])
    assert "decision" in schemas["ProcedureVersionOut"]["properties"]
    assert "sha256" in schemas["DocumentVersionOut"]["properties"]
    assert not {"ComponentOut", "VersionOut"} & set(schemas)


def _inputs(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(operation, name, schema) of every parameter and request body property, references resolved."""
    schemas = spec["components"]["schemas"]

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        return schemas[ref.rsplit("/", 1)[1]] if ref else schema

    found: list[tuple[str, str, dict[str, Any]]] = []

    def walk(label: str, name: str, schema: dict[str, Any], seen: frozenset[str]) -> None:
        ref = schema.get("$ref", "")
        if ref in seen:
            return
        schema = resolve(schema)
        for branch in schema.get("anyOf", []) + schema.get("allOf", []):
            walk(label, name, branch, seen | {ref})
        if "items" in schema:
            walk(label, name, schema["items"], seen | {ref})
        for child, child_schema in schema.get("properties", {}).items():
            walk(label, f"{name}.{child}", child_schema, seen | {ref})
        if schema.get("type") in ("integer", "number"):
            found.append((label, name, schema))

    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                walk(label, parameter["name"], parameter["schema"], frozenset())
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(label, "body", content["schema"], frozenset())
    return found


def test_every_number_the_api_takes_has_bounds(spec):
    """An unbounded integer reaches the database past 64 bits (a 500) or runs arithmetic out of range."""
    unbounded = [
        f"{label}: {name}"
        for label, name, schema in _inputs(spec)
        if "maximum" not in schema or "minimum" not in schema
    ]
    assert unbounded == []
