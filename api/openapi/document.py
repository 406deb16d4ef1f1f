"""The served and committed OpenAPI document: Litestar's, then

- component schemas written by pydantic (`components.py`): request bodies as strict as
  the validator, a union body as a `oneOf` with its discriminator;
- parameters as the server takes them: an optional query parameter or header is absent,
  never `null`; ids, `If-Match` and the search filters with their patterns and bounds;
- every status the server can answer, each problem with the `Problem` schema, and the
  headers of every response (`headers.py`);
- the links from creation to read, update and delete (`links.py`);
- the tags with their descriptions.

`profiles openapi` writes it without a database (`schema_only_app`); the test suite
fails when the committed `openapi.json` and the served document differ.
"""

import copy
import json
from typing import Any

from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin
from pydantic import BaseModel

from api import problems
from api.openapi.components import component_schemas
from api.openapi.headers import (
    HEADERS,
    IF_MATCH_SCHEMA,
    problem_response,
    problem_responses,
    response_headers,
    universal_statuses,
)
from api.openapi.routes import Operation, models_in, operations
from api.rate_limit import is_limited
from api.schemas.fields import NO_NUL
from api.schemas.responses import Problem
from documents.vocabulary import PROFILE_TYPES
from service.profiles.templates import NAME_PATTERN as TEMPLATE_NAME_PATTERN

TAGS = [
    {"name": "me", "description": "The caller's account, onboarding and own profiles"},
    {"name": "dancers", "description": "Dancer profiles, their content, and dancer search"},
    {
        "name": "choreographers",
        "description": "Choreographer profiles, their content, search and verification",
    },
    {"name": "search", "description": "Discovery across both kinds of profile"},
    {"name": "vocabulary", "description": "The values the app knows"},
    {"name": "admin", "description": "Rollout flags and profile templates (admins only)"},
    {"name": "health", "description": "Probes for the orchestrator (no token)"},
]

OBJECT_ID = {"pattern": "^[0-9a-fA-F]{24}$"}
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "profile_id": OBJECT_ID,
    "record_id": OBJECT_ID,
    "item_id": OBJECT_ID,
    "storage_id": {"minLength": 1, "maxLength": 200, "pattern": NO_NUL},
    "profile_type": {"enum": list(PROFILE_TYPES)},
    "name": {"pattern": TEMPLATE_NAME_PATTERN},
}
"""What the server takes in each path parameter (anything else: 404 or 422)."""


def contract_document(app: Litestar) -> dict[str, Any]:
    """The OpenAPI document of `app`, as clients read it."""
    document = copy.deepcopy(app.openapi_schema.to_schema())
    found = [
        operation
        for operation in operations(app)
        if operation.method in document["paths"].get(operation.path, {})
    ]
    request_models: set[type[BaseModel]] = set()
    response_models: set[type[BaseModel]] = {Problem}
    for operation in found:
        request_models.update(models_in(operation.body_type))
        response_models.update(models_in(operation.return_type))
        for spec in operation.handler.responses.values() if operation.handler.responses else ():
            response_models.update(models_in(spec.data_container))
    document.setdefault("components", {})["schemas"] = component_schemas(
        request_models, response_models
    )
    document["components"]["headers"] = HEADERS
    document["components"]["responses"] = problem_responses()
    _problem_schema(document["components"]["schemas"]["Problem"])
    for operation in found:
        _operation(document["paths"][operation.path][operation.method], operation)
    _discriminate_profiles(document["paths"], document["components"]["schemas"])
    document["tags"] = TAGS
    return document


def _operation(spec: dict[str, Any], operation: Operation) -> None:
    for parameter in spec.get("parameters", []):
        _parameter(parameter)
    responses: dict[str, Any] = spec["responses"]
    for code in universal_statuses(operation.path, operation.method, spec):
        responses.setdefault(str(code), {})
    for status, response in responses.items():
        if int(status) >= 400:
            responses[status] = problem_response(int(status))
            continue
        response["headers"] = response_headers(
            status,
            etag=operation.carries_etag,
            etag_always=operation.handler.opt.get("etag") != "optional",
            rate_limited=is_limited(operation.method, operation.path),
        )
        links = operation.handler.opt.get("links")
        if links and 200 <= int(status) < 300:
            response["links"] = links
    spec["responses"] = dict(sorted(responses.items()))


def _discriminate_profiles(node: Any, schemas: dict[str, Any]) -> None:
    """A `oneOf` of profiles of both kinds says which `profileType` is which, as the
    component schemas do (Litestar writes the union of a response without it)."""
    if isinstance(node, list):
        for item in node:
            _discriminate_profiles(item, schemas)
        return
    if not isinstance(node, dict):
        return
    options = node.get("oneOf")
    if isinstance(options, list) and "discriminator" not in node:
        mapping = {}
        for option in options:
            name = str(option.get("$ref", "")).rsplit("/", 1)[-1]
            kind = schemas.get(name, {}).get("properties", {}).get("profileType", {})
            if "const" in kind:
                mapping[kind["const"]] = option["$ref"]
        if mapping and len(mapping) == len(options):
            node["discriminator"] = {"propertyName": "profileType", "mapping": mapping}
    for value in node.values():
        _discriminate_profiles(value, schemas)


def _parameter(parameter: dict[str, Any]) -> None:
    schema: dict[str, Any] = parameter["schema"]
    if not parameter.get("required") and "oneOf" in schema:
        # absent is how a query parameter or header says "none": it is never JSON null
        options = [option for option in schema.pop("oneOf") if option.get("type") != "null"]
        if len(options) == 1:
            schema.update({**options[0], **schema})
        else:
            schema["oneOf"] = options
    if parameter["in"] == "path" and parameter["name"] in PATH_SCHEMAS:
        schema.update(PATH_SCHEMAS[parameter["name"]])
    if parameter["in"] == "header" and parameter["name"] == "If-Match":
        schema.update(IF_MATCH_SCHEMA)
    schema.pop("description", None)  # the parameter's own description says it once


def _problem_schema(schema: dict[str, Any]) -> None:
    """The `type` of a problem is one of the documented kinds."""
    schema["properties"]["type"] = {
        "type": "string",
        "enum": [kind.uri for kind in problems.ALL],
        # names generated clients give the values (`ProblemType.STALE_VERSION`)
        "x-enum-varnames": [kind.slug.upper().replace("-", "_") for kind in problems.ALL],
        "description": "What kind of problem: branch on this. "
        + "; ".join(f"`{kind.uri}` ({kind.status}): {kind.meaning}" for kind in problems.ALL),
    }
    if "type" not in schema.get("required", []):
        schema["required"] = ["type", *schema.get("required", [])]


class ContractJsonPlugin(JsonRenderPlugin):
    """Serves `contract_document` at `/schema/openapi.json` (built once per app)."""

    def __init__(self) -> None:
        super().__init__(path="/openapi.json")
        self._rendered: bytes | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._rendered is None:
            self._rendered = render(contract_document(request.app))
        return self._rendered


def render(document: dict[str, Any]) -> bytes:
    """The document as committed: indented, keys in a stable order, a final newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
