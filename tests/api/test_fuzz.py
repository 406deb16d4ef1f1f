"""Schemathesis against the served OpenAPI schema: every operation, valid and invalid
input, with real tokens and real ids.

Cases come from Schemathesis' generators (positive and negative modes, a fixed seed:
`derandomize`); they are sent with Litestar's `AsyncTestClient`, so the app and its
async database client run in this test's event loop, and every response is checked
with Schemathesis' own checks plus one of ours: a response carries no field its
declared schema does not name. Failures are collected over the whole run and
reported together, one line per distinct failure.
"""

import asyncio
import copy
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from service.platform.config import Settings
from tests.helpers import Client, auth, onboard

Operation = APIOperation[Any, Any, Any, Any]
SCALE = float(os.environ.get("PROFILES_FUZZ_EXAMPLES", "10")) / 10
POSITIVE_EXAMPLES = max(1, round(12 * SCALE))
NEGATIVE_EXAMPLES = max(1, round(8 * SCALE))
"""Cases per operation and mode: 12 and 8 in the suite; `PROFILES_FUZZ_EXAMPLES` scales
them (its default is 10; 30 draws 36 and 24)."""
USERS = ("fuzz-a", "fuzz-b")
CALLERS = (*USERS, "fuzz-admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# A rejected If-Match (412) or an oversized body (413) is a rejection of invalid input too.
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428"]

SEED_ITEMS: dict[str, dict[str, Any]] = {
    "availability": {"start": "2027-01-01", "end": "2027-01-31"},
    "specialisations": {"style": "Jazz", "level": "advanced"},
    "videos": {"url": "https://video.example.test/v1", "title": "Reel"},
    "auditions": {"production": "Show", "date": "2026-05-01"},
    "workshops": {"title": "Intensive", "startDate": "2027-02-01", "endDate": "2027-02-02"},
    "rate-cards": {"service": "Class", "unit": "hour", "amount": 80},
    "portfolio": {"title": "Work", "year": 2024},
    "projects": {"title": "Film", "year": 2024},
    "training": {"name": "Conservatory", "startYear": 2015},
}
ID_PARAMETERS = {"item_id", "record_id"}


@dataclass
class Seeded:
    """Path parameters that name real things, each with the user owning them."""

    choices: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)

    def for_path(self, path: str) -> list[tuple[str, dict[str, str]]]:
        """(owner, path parameters) pairs that fill `path` with real values."""
        if path.startswith("/v1/admin/profile-templates/"):
            return [("fuzz-admin", {"profile_type": "dancer", "name": "starter"})]
        kind = "dancer" if path.startswith("/v1/dancers/") else "choreographer"
        if "{profile_id}" not in path:
            return []
        found = []
        for owner, params in self.choices.get(kind, []):
            section = path.split("{profile_id}/", 1)[-1].split("/", 1)[0]
            wanted = {"profile_id": params["profile_id"]}
            if "{storage_id}" in path:
                wanted["storage_id"] = params["storage_id"]
            if ID_PARAMETERS & _names(path):
                name = (ID_PARAMETERS & _names(path)).pop()
                wanted[name] = params.get(section, "0" * 24)
            found.append((owner, wanted))
        return found


def _names(path: str) -> set[str]:
    return {part[1:-1] for part in path.split("/") if part.startswith("{")}


async def _seed(client: Client) -> Seeded:
    seeded = Seeded()
    for user in USERS:
        dancer = await onboard(client, user, "dancer", displayName=f"Dancer {user}")
        added = await client.post(
            "/v1/me/profiles",
            json={"profileType": "choreographer", "displayName": f"Choreo {user}"},
            headers=auth(user),
        )
        assert added.status_code == 201, added.text
        for kind, profile_id in (("dancer", dancer["id"]), ("choreographer", added.json()["id"])):
            params = {"profile_id": profile_id, "storage_id": f"shot-{user}"}
            base = f"/v1/{kind}s/{profile_id}"
            shot = {"storageId": params["storage_id"], "url": "https://img.example.test/a.jpg"}
            response = await client.post(f"{base}/headshots", json=shot, headers=auth(user))
            assert response.status_code == 201, response.text
            for section, body in SEED_ITEMS.items():
                response = await client.post(f"{base}/{section}", json=body, headers=auth(user))
                if response.status_code == 404:  # a section of the other kind
                    continue
                assert response.status_code == 201, (section, response.text)
                params[section] = response.json()["id"]
            seeded.choices.setdefault(kind, []).append((user, params))
    template = await client.put(
        "/v1/admin/profile-templates/dancer/starter",
        json={"fields": {"bio": "Starter"}},
        headers=auth("fuzz-admin", admin=True),
    )
    assert template.status_code == 201, template.text
    return seeded


def _closed(schema: Any) -> Any:
    """`schema` where every object that lists its properties allows no others."""
    if isinstance(schema, dict):
        closed = {key: _closed(value) for key, value in schema.items()}
        if "properties" in closed and "additionalProperties" not in closed:
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


class UndeclaredFields:
    """Our own check: a JSON response names no field its declared schema leaves out (no
    internal fields, no revision ids)."""

    def __init__(self, raw_schema: dict[str, Any]) -> None:
        self.components = _closed(raw_schema.get("components", {}))
        self.paths = raw_schema["paths"]
        self.validators: dict[tuple[str, str, str], Any] = {}

    def errors(self, path: str, method: str, status: int, body: Any) -> list[str]:
        """What in `body` the declared schema of that response does not allow."""
        key = (path, method, str(status))
        if key not in self.validators:
            response = self.paths[path][method]["responses"].get(str(status), {})
            content = response.get("content", {})
            media = content.get("application/json") or content.get("application/problem+json")
            schema = None if media is None else media.get("schema")
            self.validators[key] = (
                None
                if schema is None
                else jsonschema_rs.validator_for(
                    {**_closed(copy.deepcopy(schema)), "components": self.components}
                )
            )
        validator = self.validators[key]
        if validator is None:
            return []
        return [
            f"{error.message} at /{'/'.join(map(str, error.instance_path))}"
            for error in validator.iter_errors(body)
        ][:3]


@dataclass
class Sent:
    case: Any
    caller: str


def _order(operation: Operation) -> tuple[int, str]:
    """Writes that remove seeded data run last, whole profiles at the very end."""
    if operation.method.upper() != "DELETE":
        return (0, operation.label)
    if operation.path in ("/v1/dancers/{profile_id}", "/v1/choreographers/{profile_id}"):
        return (2, operation.label)
    return (1, operation.label)


def _strategy(operation: Operation, mode: GenerationMode, seeded: Seeded) -> Any:
    """Cases for `operation`: mostly with real path parameters (and a caller that is, half
    of the time, their owner), sometimes with generated ones."""
    branches = []
    for owner, params in seeded.for_path(operation.path):
        callers = st.sampled_from([owner, owner, *CALLERS])
        branches.append(st.tuples(operation.as_strategy(mode, path_parameters=params), callers))
    if mode is GenerationMode.NEGATIVE or not branches:
        branches.append(st.tuples(operation.as_strategy(mode), st.sampled_from(CALLERS)))
    return st.one_of(branches)


def _generate(operation: Operation, mode: GenerationMode, seeded: Seeded) -> list[Sent]:
    """A fixed (derandomized) list of cases for `operation` in `mode`."""
    cases: list[Sent] = []
    examples = POSITIVE_EXAMPLES if mode is GenerationMode.POSITIVE else NEGATIVE_EXAMPLES

    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(pair=_strategy(operation, mode, seeded))
    def collect(pair: tuple[Any, str]) -> None:
        cases.append(Sent(*pair))

    try:
        collect()
    except hypothesis.errors.Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label
        # nothing of this operation can be invalid (no parameters, no body)
    return cases


def _transport_kwargs(sent: Sent, base_url: str) -> dict[str, Any]:
    headers = auth(sent.caller, admin=sent.caller == "fuzz-admin")
    kwargs = sent.case.as_transport_kwargs(base_url=base_url, headers=headers)
    request: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        # a header value travels as bytes: text no HTTP header can carry goes as UTF-8
        "headers": {name: _header_bytes(value) for name, value in kwargs["headers"].items()},
        "params": kwargs.get("params") or None,
    }
    if "json" in kwargs:
        request["content"] = json.dumps(kwargs["json"]).encode()
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        request["content"] = data.encode() if isinstance(data, str) else data
    return request


def _header_bytes(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _without_security(raw: dict[str, Any]) -> dict[str, Any]:
    """The schema without its security requirements: every case carries one of our valid
    tokens (missing and bad tokens are `test_authorization.py`'s), so a case whose only
    invalid part is its `Authorization` header would be sent valid."""
    stripped = copy.deepcopy(raw)
    stripped.pop("security", None)
    for operations in stripped["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    return stripped


STRING_LISTS = ("style", "location", "gender")
BOOLEANS = ("unionMember", "verified", "facets")
WIRE_BOOLEANS = ("true", "false")


def _wire_valid_query(summary: str, params: Any) -> bool:
    """A negative case whose only fault is the JSON type of query parameters that the
    query string erases: a repeated string parameter (`style=...`) given a number or a
    boolean, or a boolean parameter given `[false]`. On the wire every query value is a
    string, so what is sent is valid and accepting it is right."""
    if "Schema-violating request accepted" not in summary or " in query" not in summary:
        return False
    named = re.search(r"parameters? ((?:`[^`]+`(?:, )?)+) in query", summary)
    if named is None:
        return False
    sent = params if isinstance(params, dict) else {}
    for name in re.findall(r"`([^`]+)`", named.group(1)):
        values = sent.get(name)
        values = values if isinstance(values, list) else [values]
        if name in STRING_LISTS:
            continue
        if name in BOOLEANS and all(str(value) in WIRE_BOOLEANS for value in values):
            continue
        return False
    return True


def _summary(message: str) -> str:
    """The lines of a failure message that say what is wrong, not the whole instance."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return " | ".join(line[:160] for line in lines[:1] + lines[-4:])


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test's settings without rate limiting: the fuzz run is one fast caller per
    token, and a 429 would say nothing about the schema."""
    return settings.model_copy(
        update={"rate_limit_per_second": 0, "rate_limit_search_per_second": 0}
    )


@pytest.fixture
def config() -> SchemathesisConfig:
    config = SchemathesisConfig()
    config.projects.default.checks.negative_data_rejection.expected_statuses = REJECTED
    return config


async def test_fuzz_every_operation(
    client: Client, app: Litestar, config: SchemathesisConfig
) -> None:
    raw = (await client.get("/schema/openapi.json")).json()
    schema: OpenApiSchema = schemathesis.openapi.from_dict(_without_security(raw), config=config)
    undeclared = UndeclaredFields(raw)
    seeded = await _seed(client)
    found = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    operations = sorted(found, key=_order)
    failures: dict[str, str] = {}
    answered: dict[str, Counter[int]] = defaultdict(Counter)
    sent_count = 0
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # generated off the event loop: a loop blocked for seconds starves the
            # database client's monitor, and its next call times out
            for sent in await asyncio.to_thread(_generate, operation, mode, seeded):
                request = _transport_kwargs(sent, str(client.base_url))
                response = await client.request(**request)
                sent_count += 1
                answered[operation.label][response.status_code] += 1
                problems: list[str] = []
                try:
                    sent.case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:
                    problems += [
                        f"{f.title}: {_summary(f.message)}"
                        for f in group.exceptions
                        if not _wire_valid_query(
                            f"{f.title}: {_summary(f.message)}", request["params"]
                        )
                    ]
                if response.headers.get("content-type", "").startswith("application/"):
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                    problems += undeclared.errors(
                        operation.path,
                        operation.method.lower(),
                        response.status_code,
                        body,
                    )
                for problem in problems:
                    key = f"{operation.label} [{mode.value}] -> {response.status_code}: {problem}"
                    failures.setdefault(
                        key.splitlines()[0][:400],
                        f"{request['method']} {request['url']} {request['params']} as {sent.caller}"
                        f" body={str(request.get('content'))[:300]}"
                        f" -> {response.text[:300]}",
                    )
    unexercised = [
        label
        for label, statuses in answered.items()
        if not any(status not in (401, 404) for status in statuses)
    ]
    print(f"fuzz: {len(operations)} operations, {sent_count} cases, {len(failures)} failures")
    report = "\n".join(f"{key}\n    {example}" for key, example in sorted(failures.items()))
    assert not failures, f"{len(failures)} failures:\n{report}"
    assert not unexercised, f"only 401/404 answers: {unexercised}"
    assert len(operations) == len(answered) >= 90
