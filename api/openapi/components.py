"""Component schemas written by pydantic itself, from the models the server validates
requests with and serialises responses from.

Litestar writes its own schema of a pydantic model, which loses what the server
enforces: the limits and patterns of optional fields, `additionalProperties: false` of
models that refuse unknown fields, and a `RootModel` body (a union of onboarding bodies)
becomes `{"root": ...}`. Pydantic's JSON Schema of a model is the one its validator
applies, so request schemas are as strict as the server by construction: request models
in validation mode, response models in serialization mode (what the server sends).
"""

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

REF_TEMPLATE = "#/components/schemas/{model}"


class ComponentSchemas(GenerateJsonSchema):
    """Pydantic's JSON Schema with definitions named by their model alone, and no
    generated title on every property (`"title": "Storageid"` helps no reader)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def normalize_name(self, name: str) -> str:
        return super().normalize_name(name).replace("-", "")


def component_schemas(
    request_models: set[type[BaseModel]], response_models: set[type[BaseModel]]
) -> dict[str, Any]:
    """`components.schemas`: every model and every model they refer to, by name."""
    both = request_models & response_models
    if both:
        names = ", ".join(sorted(model.__name__ for model in both))
        raise ValueError(f"a model is both a request and a response body: {names}")
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        *((model, "validation") for model in sorted(request_models, key=_name)),
        *((model, "serialization") for model in sorted(response_models, key=_name)),
    ]
    _, top = models_json_schema(
        wanted, ref_template=REF_TEMPLATE, schema_generator=ComponentSchemas
    )
    schemas: dict[str, Any] = top.get("$defs", {})
    for schema in schemas.values():
        _drop_impossible_defaults(schema)
    return {name: schemas[name] for name in sorted(schemas)}


def _drop_impossible_defaults(schema: dict[str, Any]) -> None:
    """A field that may be left out but never be `null` has the Python default `None`,
    which its schema must not show as a default it could be sent."""
    for field in schema.get("properties", {}).values():
        if "default" in field and field["default"] is None and not _admits_null(field):
            del field["default"]


def _admits_null(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "null":
        return True
    return any(_admits_null(option) for option in schema.get("anyOf", schema.get("oneOf", [])))


def _name(model: type[BaseModel]) -> str:
    return model.__name__
