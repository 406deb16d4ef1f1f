"""The OpenAPI document: committed, served, valid, and as strict as the server."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from api import problems
from tests.helpers import Client

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "openapi.json"


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(COMMITTED.read_text())
    return document


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


async def test_the_served_document_is_the_committed_one(client: Client) -> None:
    served = await client.get("/schema/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(COMMITTED.read_text()), (
        "openapi.json is not what the server serves: run `profiles openapi --output openapi.json`"
    )


def test_profiles_openapi_writes_it_without_a_database(tmp_path: Path) -> None:
    written = tmp_path / "openapi.json"
    result = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "service.cli.main", "openapi", "--output", str(written)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "", "PROFILES_MONGODB_URL": "mongodb://127.0.0.1:1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert written.read_bytes() == COMMITTED.read_bytes()
    assert not (tmp_path / ".data").exists()  # no secret generated, no database started


def test_the_document_is_valid_openapi(committed: dict[str, Any]) -> None:
    validate(committed)
    assert committed["openapi"].startswith("3.1")


def test_operation_ids_are_chosen_names(committed: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(committed)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)*", op_id) for op_id in ids), ids
    for expected in ("getMe", "onboard", "searchDancers", "updateDancer", "switchActiveProfile"):
        assert expected in ids


def test_every_reference_resolves(committed: dict[str, Any]) -> None:
    text = json.dumps(committed)
    for ref in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node: Any = committed
        for part in ref.split("/"):
            node = node[part]
        assert isinstance(node, dict), ref


def test_request_bodies_are_the_shapes_the_server_takes(committed: dict[str, Any]) -> None:
    schemas = committed["components"]["schemas"]
    onboarding = committed["paths"]["/v1/me/onboarding"]["post"]["requestBody"]
    name = onboarding["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    union = schemas[name]
    assert "root" not in json.dumps(union)
    assert union["discriminator"]["propertyName"] == "profileType"
    assert len(union["oneOf"]) == 2
    for _, _, operation in _operations(committed):
        body = operation.get("requestBody")
        if body is None:
            continue
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for member in [ref] + [m["$ref"].rsplit("/", 1)[-1] for m in schemas[ref].get("oneOf", [])]:
            if "properties" in schemas[member]:
                assert schemas[member]["additionalProperties"] is False, member


def test_every_status_has_its_headers(committed: dict[str, Any]) -> None:
    headers = committed["components"]["headers"]
    problem_responses = committed["components"]["responses"]
    for path, method, operation in _operations(committed):
        responses = operation["responses"]
        if path != "/health/live":
            assert "503" in responses, (method, path)
        if path.startswith("/v1/"):
            assert "401" in responses, (method, path)
            if method == "get":
                assert "429" in responses, (method, path)
        for status, response in responses.items():
            if "$ref" in response:
                response = problem_responses[response["$ref"].rsplit("/", 1)[-1]]
            names = set(response["headers"])
            assert "X-Request-ID" in names, (method, path, status)
            if status in ("429", "503"):
                assert "Retry-After" in names, (method, path, status)
            if status == "201":
                assert "Location" in names, (method, path, status)
    patch = committed["paths"]["/v1/dancers/{profile_id}"]["patch"]
    assert patch["responses"]["200"]["headers"]["ETag"]["$ref"].endswith("/ETag")
    assert headers["ETag"]["required"] is True
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert if_match["schema"] == {"type": "string", "pattern": '^(\\*|"[0-9]{1,18}")?$'}


def test_problems_name_their_types(committed: dict[str, Any]) -> None:
    problem = committed["components"]["schemas"]["Problem"]
    assert problem["properties"]["type"]["enum"] == [kind.uri for kind in problems.ALL]
    assert "type" in problem["required"]
    for example in problem["examples"]:
        assert example["type"] in problem["properties"]["type"]["enum"]


def test_response_schemas_carry_no_request_limits(committed: dict[str, Any]) -> None:
    """Stored values, legacy ones among them, may exceed what a request may send."""
    schemas = committed["components"]["schemas"]
    for name in ("DancerOut", "ChoreographerOut", "MeOut", "HeadshotOut", "ProjectOut"):
        text = json.dumps(schemas[name])
        assert "maxLength" not in text and "pattern" not in text, name
