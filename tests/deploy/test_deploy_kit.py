"""The deploy kit (`deploy/`) and the image (`Dockerfile`), held to the code: nothing of
it can run here (no Docker engine, no Kubernetes), so every file is parsed and what it
names is checked against the settings model, the command line's own parser and the
app's route table."""

import json
import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from contextlib import redirect_stderr
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from api.app import create_app
from service.cli.main import build_parser
from service.cli.openapi import UNUSED_DATABASE
from service.platform.config import Settings
from tests.helpers import EXPECTED_MIGRATIONS, TEST_SECRET
from tests.serving import PROFILES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
SETTING_NAME = re.compile(r"\bPROFILES_[A-Z0-9_]+\b")
Manifest = dict[str, Any]


def yaml_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.yaml"))


def manifests() -> list[tuple[Path, Manifest]]:
    """Every Kubernetes object of the kit, with its file (kustomizations included)."""
    return [
        (path, document)
        for path in sorted(KUBERNETES.rglob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def objects(kind: str) -> list[Manifest]:
    return [document for _, document in manifests() if document["kind"] == kind]


def only(kind: str) -> Manifest:
    (found,) = objects(kind)
    return found


def compose() -> Manifest:
    loaded: Manifest = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def pod_spec(workload: Manifest) -> Manifest:
    spec: Manifest = workload["spec"]["template"]["spec"]
    return spec


def containers(workload: Manifest) -> list[Manifest]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec["containers"]]


def service_containers() -> Iterator[tuple[str, Manifest]]:
    """Every container of the kit that runs the service's image, named by its
    workload."""
    for kind in ("Deployment", "Job"):
        for workload in objects(kind):
            for container in containers(workload):
                if container["image"] == "profiles":
                    yield f"{kind} {workload['metadata']['name']}/{container['name']}", container


def service_compose_services() -> Iterator[tuple[str, Manifest]]:
    for name, service in compose()["services"].items():
        if "build" in service:
            yield name, service


def dockerfile_instructions(*, every_stage: bool = False) -> list[tuple[str, str]]:
    """The final stage's instructions of the Dockerfile (`every_stage`: all of them):
    (keyword, arguments), continued lines joined, comments left out."""
    logical: list[str] = []
    current = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        logical.append(current)
        current = ""
    parsed = [tuple(line.strip().split(None, 1)) for line in logical]
    last_from = max(i for i, (keyword, _) in enumerate(parsed) if keyword.upper() == "FROM")
    first = 0 if every_stage else last_from
    return [(keyword.upper(), rest) for keyword, rest in parsed[first:]]


def dockerfile(keyword: str, *, every_stage: bool = False) -> list[str]:
    instructions = dockerfile_instructions(every_stage=every_stage)
    return [rest for found, rest in instructions if found == keyword]


def image_environment() -> dict[str, str]:
    """What the image's `ENV` instructions set."""
    environment: dict[str, str] = {}
    for rest in dockerfile("ENV"):
        for pair in shlex.split(rest):
            name, _, value = pair.partition("=")
            environment[name] = value
    return environment


def settings_from(values: dict[str, str]) -> Settings:
    """The settings `values` (environment variables) make, validated by the model."""
    fields = {name.removeprefix("PROFILES_").lower(): value for name, value in values.items()}
    return Settings.model_validate(fields)


def app_paths() -> set[str]:
    """The paths of the app's route table."""
    app = create_app(
        Settings(mongodb_url=UNUSED_DATABASE, jwt_secret=SecretStr(TEST_SECRET)),
        expected_migrations=EXPECTED_MIGRATIONS,
    )
    return {route.path for route in app.routes}


def test_every_file_parses() -> None:
    names = {path.relative_to(DEPLOY).as_posix() for path in yaml_files()}
    assert {"compose.yaml", "kubernetes/deployment.yaml", "kubernetes/migrate/job.yaml"} <= names
    for path in yaml_files():
        documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        assert documents and all(isinstance(d, dict) for d in documents), path
    for _, document in manifests():
        assert {"apiVersion", "kind"} <= set(document)
    kinds = {document["kind"] for _, document in manifests()}
    assert {"ConfigMap", "Deployment", "Service", "Job", "Kustomization"} <= kinds
    assert dockerfile("CMD") and dockerfile("USER") and dockerfile("HEALTHCHECK")
    for line in (DEPLOY / "profiles.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z0-9_]+=\S*", line), line


def test_every_setting_named_exists_in_the_settings_model() -> None:
    known = {f"PROFILES_{name.upper()}" for name in Settings.model_fields}
    named: dict[str, set[str]] = {}
    for path in [*sorted(DEPLOY.rglob("*")), ROOT / "Dockerfile"]:
        if path.is_file():
            for name in SETTING_NAME.findall(path.read_text()):
                named.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    assert "PROFILES_MONGODB_URL" in named and "PROFILES_EMBEDDED_DB" in named
    unknown = {name: sorted(files) for name, files in named.items() if name not in known}
    assert not unknown, f"not settings of service/platform/config.py: {unknown}"


def test_the_values_given_are_valid_settings() -> None:
    config = only("ConfigMap")["data"]
    assert all(name.startswith("PROFILES_") for name in config)
    settings_from(config)
    settings_from(image_environment() | {"PROFILES_MONGODB_URL": UNUSED_DATABASE})
    for _, service in service_compose_services():
        settings_from(service["environment"])


def command_lines() -> Iterator[tuple[str, list[str]]]:
    """Every command line the kit and the image run with the service's image."""
    for name, service in service_compose_services():
        yield f"compose {name}", list(service["command"])
    for name, container in service_containers():
        yield name, [*container.get("command", []), *container.get("args", [])]
    for cmd in dockerfile("CMD"):
        yield "Dockerfile CMD", json.loads(cmd)


def refusal(argv: list[str]) -> str | None:
    """The command line's complaint about `argv`, or None when its parser takes it."""
    complaint = StringIO()
    try:
        with redirect_stderr(complaint):
            build_parser().parse_args(argv)
    except SystemExit:
        return complaint.getvalue().strip() or "refused"
    return None


COMMAND_LINES = list(command_lines())


@pytest.mark.parametrize(("where", "argv"), COMMAND_LINES, ids=[w for w, _ in COMMAND_LINES])
def test_every_command_is_a_real_profiles_command(where: str, argv: list[str]) -> None:
    assert argv[:1] == ["profiles"], f"{where} runs {argv}, not a `profiles` command"
    assert refusal(argv[1:]) is None, f"{where}: {refusal(argv[1:])}"


def test_the_parser_check_refuses_what_the_command_line_refuses() -> None:
    assert refusal(["serve", "--hots", "localhost"]) is not None
    assert refusal(["migrate", "upp"]) is not None
    assert refusal(["migrate", "up", "--wait", "300"]) is None


def test_the_kit_runs_the_migration_and_the_api() -> None:
    by_place = {where: argv[1:3] for where, argv in COMMAND_LINES}
    assert by_place["compose migrate"] == ["migrate", "up"]
    assert by_place["compose api"][0] == "serve"
    assert by_place["Deployment profiles/profiles"][0] == "serve"
    assert by_place["Job profiles-migrate/migrate-up"] == ["migrate", "up"]
    assert by_place["Job profiles-migrate/derive"] == ["migrate", "derive"]
    assert by_place["Dockerfile CMD"][0] == "serve"
    (job,) = objects("Job")
    assert [c["name"] for c in pod_spec(job)["initContainers"]] == ["migrate-up"]


def http_paths(text: str) -> list[str]:
    """The paths of the `http://` URLs in `text`."""
    return re.findall(r"http://[^/\s'\"]+(/[^\s'\"]*)", text)


def test_probes_and_health_checks_name_routes_of_the_app() -> None:
    paths = app_paths()
    (deployment,) = objects("Deployment")
    (api,) = containers(deployment)
    probes = {
        kind: api[kind]["httpGet"] for kind in ("startupProbe", "readinessProbe", "livenessProbe")
    }
    assert probes["readinessProbe"]["path"] == "/health/ready"
    assert probes["livenessProbe"]["path"] == "/health/live"
    ports = {port["name"]: port["containerPort"] for port in api["ports"]}
    serve_port = int(api["command"][api["command"].index("--port") + 1])
    for kind, probe in probes.items():
        assert probe["path"] in paths, f"{kind}: {probe['path']} is no route of the app"
        assert ports[probe["port"]] == serve_port, kind

    compose_api = compose()["services"]["api"]
    checked = http_paths(" ".join(compose_api["healthcheck"]["test"]))
    assert checked == ["/health/ready"]
    command = compose_api["command"]
    assert f":{command[command.index('--port') + 1]}/" in " ".join(
        compose_api["healthcheck"]["test"]
    )

    (healthcheck,) = dockerfile("HEALTHCHECK")
    assert http_paths(healthcheck) == ["/health/ready"]
    assert all(path in paths for path in ["/health/ready", "/health/live"])


def test_the_grace_period_outlasts_the_drain() -> None:
    config = only("ConfigMap")["data"]
    graceful = settings_from(config).graceful_timeout_seconds
    (deployment,) = objects("Deployment")
    (api,) = containers(deployment)
    pre_stop = api["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    grace = pod_spec(deployment)["terminationGracePeriodSeconds"]
    assert grace > graceful + int(pre_stop[1]), (grace, graceful, pre_stop)

    compose_graceful = settings_from(compose()["services"]["api"]["environment"])
    stop_grace = compose()["services"]["api"]["stop_grace_period"]
    assert re.fullmatch(r"\d+s", stop_grace)
    assert int(stop_grace[:-1]) > compose_graceful.graceful_timeout_seconds


def test_the_image_runs_as_a_non_root_user_with_a_health_check_and_no_embedded_database() -> None:
    (user,) = dockerfile("USER")
    assert user not in ("root", "0") and not user.startswith("0:")
    (created,) = [run for run in dockerfile("RUN") if "useradd" in run]
    assert f" {user} " in f" {created} "
    numbered = re.search(r"--uid (\d+)", created)
    assert numbered is not None, "the user's uid is fixed, for runAsUser"
    uid = int(numbered.group(1))
    assert uid != 0
    (healthcheck,) = dockerfile("HEALTHCHECK")
    assert " CMD " in f" {healthcheck} "
    environment = image_environment()
    assert (
        settings_from({"PROFILES_EMBEDDED_DB": environment["PROFILES_EMBEDDED_DB"]}).embedded_db
        is False
    )
    # the final stage takes the build stage's venv, where the project's install removes
    # the embedded database: the image carries none
    (copied,) = [c for c in dockerfile("COPY") if c.split()[-1] == "/venv"]
    assert copied.startswith("--from=build ")
    (installed,) = [r for r in dockerfile("RUN", every_stage=True) if "--no-deps ." in r]
    assert "pip uninstall --yes secantusdb" in installed

    for where, container in service_containers():
        assert container.get("securityContext", {}).get("allowPrivilegeEscalation") is False, where
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, where
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], where
        assert {"requests", "limits"} <= set(container["resources"]), where
    for workload in [*objects("Deployment"), *objects("Job")]:
        context = pod_spec(workload)["securityContext"]
        assert context["runAsNonRoot"] is True
        assert context["runAsUser"] == uid, "the image's user, by number"


def test_the_compose_migration_gates_the_api_on_a_replica_set() -> None:
    services = compose()["services"]
    assert services["api"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["migrate"]["depends_on"]["mongo"] == {"condition": "service_healthy"}
    assert services["migrate"]["restart"] == "no"

    mongo = services["mongo"]
    assert re.fullmatch(r"mongo:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?", mongo["image"])
    replica_set = mongo["command"][mongo["command"].index("--replSet") + 1]
    initiate = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate(" in initiate and "rs.status()" in initiate
    assert f"_id: '{replica_set}'" in initiate and "host: 'mongo:27017'" in initiate
    for _, service in service_compose_services():
        url = service["environment"]["PROFILES_MONGODB_URL"]
        assert url.startswith("mongodb://mongo:27017/") and f"replicaSet={replica_set}" in url


def test_no_secret_is_committed() -> None:
    assert objects("Secret") == [], "Secrets are made with kubectl, never committed"
    for where, container in service_containers():
        for variable in container.get("env", []):
            if variable["name"] in ("PROFILES_JWT_SECRET", "PROFILES_MONGODB_URL"):
                assert "secretKeyRef" in variable["valueFrom"], where
    assert "PROFILES_JWT_SECRET" not in only("ConfigMap")["data"]
    for name, service in service_compose_services():
        assert "PROFILES_JWT_SECRET" not in service["environment"], name
        assert service["env_file"] == [{"path": "./profiles.env", "required": True}], name
    assert "deploy/profiles.env" in (ROOT / ".gitignore").read_text().splitlines()
    example = (DEPLOY / "profiles.env.example").read_text().splitlines()
    assert "PROFILES_JWT_SECRET=" in example


def test_the_migration_job_is_bounded_and_uses_the_migrators_user() -> None:
    (job,) = objects("Job")
    spec = job["spec"]
    assert spec["backoffLimit"] >= 1
    assert spec["activeDeadlineSeconds"] > 0
    assert spec["ttlSecondsAfterFinished"] > 0
    assert pod_spec(job)["restartPolicy"] == "Never"
    for container in containers(job):
        (url,) = [v for v in container["env"] if v["name"] == "PROFILES_MONGODB_URL"]
        assert url["valueFrom"]["secretKeyRef"]["name"] == "profiles-migrator"


def test_the_job_and_the_deployment_run_the_same_release() -> None:
    images = [
        (path.parent, image)
        for path, document in manifests()
        if document["kind"] == "Kustomization"
        for image in document["images"]
    ]
    assert {folder for folder, _ in images} == {KUBERNETES, KUBERNETES / "migrate"}
    assert all(image["name"] == "profiles" for _, image in images)
    assert len({(image["newName"], image["newTag"]) for _, image in images}) == 1


def anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_deploy_page_links_resolve() -> None:
    page = DEPLOY / "README.md"
    links = re.findall(r"\]\(([^)\s]+)\)", page.read_text())
    assert "../README.md#migrations-at-deploy" in links
    for link in links:
        if "://" in link:
            continue
        target, _, fragment = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), link
        if fragment:
            headings = re.findall(r"^#+ (.+)$", path.read_text(), flags=re.MULTILINE)
            assert fragment in {anchor(h) for h in headings}, link


@pytest.mark.parametrize("argv", [["serve"], ["migrate", "status"], ["flags"]])
def test_the_image_without_a_database_url_stops_in_one_line(argv: list[str]) -> None:
    """The image's settings (`PROFILES_EMBEDDED_DB=off`) and no `PROFILES_MONGODB_URL`:
    one line on stderr, exit 1, no traceback, no database started."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PROFILES_")}
    image = {k: v for k, v in image_environment().items() if k.startswith("PROFILES_")}
    ran = subprocess.run(  # noqa: S603 (our own command)
        [str(PROFILES), *argv],
        env={**environment, **image, "PROFILES_JWT_SECRET": TEST_SECRET},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert ran.returncode == 1
    assert ran.stdout == ""
    lines = ran.stderr.splitlines()
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith("profiles: PROFILES_MONGODB_URL is not set")
    assert "PROFILES_EMBEDDED_DB=off" in lines[0]
