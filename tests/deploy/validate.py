"""Validation of the deployment files: the production compose file and the Kubernetes manifests.

``python -m tests.deploy.validate`` (run by ``make deploy-check``) prints every problem and exits
non-zero when there is one. It checks, without a Docker engine or a cluster:

- the compose file against the Compose Specification's JSON schema (the copy bundled with
  check-jsonschema) and with ``docker-compose config`` (interpolation of ``compose/.env.example``
  plus the required secrets, references between services, volumes);
- every Kubernetes manifest against the Kubernetes OpenAPI schemas of the oldest and newest
  versions we support (bundled with kubernetes-validate, strict: unknown fields are errors);
- what neither schema knows: every queue has exactly one worker group, exactly one beat, every
  PLynx container's environment passes the platform's own configuration check, Services select
  pods that exist, autoscalers target Deployments that exist, the kustomization lists every
  manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from django.core.exceptions import ImproperlyConfigured
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError

from plynx_site.conf import read_config
from plynx_site.plugins import load_plugins
from plynx_site.queues import all_queues

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "compose" / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "compose" / ".env.example"
K8S_DIR = ROOT / "compose" / "k8s"
# The oldest Kubernetes release still supported upstream when these manifests were written, and
# the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.31.0", "1.37.0")
# Manifests kept beside the others but applied by hand (the Secret must be filled in first).
K8S_NOT_IN_KUSTOMIZATION = frozenset({"secret.example.yaml"})
# Values for the variables compose/.env.example leaves for the operator to set: what a
# filled-in compose/.env holds.
COMPOSE_SECRETS = {
    "PLYNX_SECRET_KEY": "x7Qm2-example-secret-key-for-validation-only-Zp9Lw4Rt8Yv3Nc6",
    "POSTGRES_PASSWORD": "0123456789abcdef0123456789abcdef",
    "MINIO_ROOT_USER": "plynx",
    "MINIO_ROOT_PASSWORD": "fedcba9876543210fedcba98",
    "FLOWER_BASIC_AUTH": "admin:fedcba9876543210",
}
PLACEHOLDER = "change-me"


def _load_yaml_documents(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        documents = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    except yaml.YAMLError as error:
        return [], [f"{path.name}: not valid YAML: {error}"]
    bad = [
        f"{path.name}: document {i + 1} is not a mapping"
        for i, doc in enumerate(documents)
        if not isinstance(doc, dict)
    ]
    return ([doc for doc in documents if isinstance(doc, dict)], bad)


def _config_errors(where: str, environment: Mapping[str, str]) -> list[str]:
    try:
        read_config(environment, ROOT)
    except ImproperlyConfigured as error:
        return [f"{where}: the platform refuses this configuration: {error}"]
    return []


def _queue_errors(where: str, groups: Mapping[str, str]) -> list[str]:
    """Each queue a node can be sent to is consumed by exactly one worker group."""
    expected = all_queues(load_plugins(None))
    owners: dict[str, list[str]] = {}
    errors = []
    for group, queues in groups.items():
        if not queues:
            errors.append(f"{where}: worker {group} has no PLYNX_WORKER_QUEUES (it would consume every queue)")
            continue
        for queue in queues.split(","):
            owners.setdefault(queue.strip(), []).append(group)
    for queue in expected:
        if queue not in owners:
            errors.append(f"{where}: no worker consumes queue {queue}")
        elif len(owners[queue]) > 1:
            errors.append(f"{where}: queue {queue} is consumed by several worker groups: {', '.join(owners[queue])}")
    errors += [
        f"{where}: worker {', '.join(g)} consumes unknown queue {q}" for q, g in owners.items() if q not in expected
    ]
    return errors


# --- compose ---------------------------------------------------------------------------------


def compose_schema() -> dict[str, Any]:
    """The Compose Specification's JSON schema, as bundled with check-jsonschema."""
    text = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    return dict(json.loads(text))


def docker_compose_binary() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        raise RuntimeError(
            "docker-compose is not installed: `make deploy-check` installs Debian's docker-compose package "
            "(or: apt-get install docker-compose)"
        )
    return binary


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines of an env file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def compose_config(compose_file: Path, env_file: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """``docker-compose config``: the resolved file, or the errors it reports."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PLYNX_", "COMPOSE_", "DATABASE_URL"))}
    result = subprocess.run(
        [docker_compose_binary(), "--env-file", str(env_file), "-f", str(compose_file), "config"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        return None, [f"{compose_file.name}: docker-compose config: {result.stderr.strip() or result.stdout.strip()}"]
    return yaml.safe_load(result.stdout), []


def compose_errors(compose_file: Path = COMPOSE_FILE, env_example: Path = ENV_EXAMPLE, *, work_dir: Path) -> list[str]:
    """Every problem of ``compose_file`` run with ``env_example`` filled in as an operator would."""
    documents, errors = _load_yaml_documents(compose_file)
    if errors:
        return errors
    if len(documents) != 1:
        return [f"{compose_file.name}: expected one YAML document, got {len(documents)}"]
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    for error in sorted(validator.iter_errors(documents[0]), key=lambda e: list(e.absolute_path)):
        place = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        errors.append(f"{compose_file.name}: {place}: {error.message}")
    if errors:
        return errors

    env_file = work_dir / "compose.env"
    example = read_env_file(env_example)
    env_file.write_text("".join(f"{k}={v}\n" for k, v in {**example, **COMPOSE_SECRETS}.items()))
    config, errors = compose_config(compose_file, env_file)
    if config is None:
        return errors
    return _compose_semantic_errors(compose_file.name, config)


def _compose_semantic_errors(where: str, config: dict[str, Any]) -> list[str]:
    services: dict[str, Any] = config.get("services") or {}
    plynx = {
        name: service
        for name, service in services.items()
        if (service.get("build") or {}).get("dockerfile") == "compose/docker/Dockerfile"
    }
    if not plynx:
        return [f"{where}: no service runs the PLynx image (build: compose/docker/Dockerfile)"]
    errors = []
    roles: dict[str, list[str]] = {}
    workers: dict[str, str] = {}
    for name, service in plynx.items():
        command = service.get("command") or ["web"]
        role = command[0] if isinstance(command, list) else str(command).split()[0]
        roles.setdefault(role, []).append(name)
        environment = {k: "" if v is None else str(v) for k, v in (service.get("environment") or {}).items()}
        errors += _config_errors(f"{where}: service {name}", environment)
        if role == "worker":
            workers[name] = environment.get("PLYNX_WORKER_QUEUES", "")
        if "healthcheck" not in service and role in ("web", "worker", "flower"):
            errors.append(f"{where}: service {name} ({role}) has no healthcheck")
    for role in ("web", "beat", "flower", "migrate"):
        if role not in roles:
            errors.append(f"{where}: no service runs `{role}`")
    if len(roles.get("beat", [])) > 1:
        errors.append(f"{where}: several services run beat ({', '.join(roles['beat'])}): the sweeper would tick twice")
    errors += _queue_errors(where, workers)
    for name, service in services.items():
        if name in plynx or service.get("image", "").startswith("minio"):
            continue
        if "healthcheck" not in service:
            errors.append(f"{where}: service {name} has no healthcheck (PLynx waits for it to be healthy)")
    return errors


# --- Kubernetes ------------------------------------------------------------------------------


def _resource_name(doc: Mapping[str, Any]) -> str:
    return f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"


def k8s_errors(directory: Path = K8S_DIR) -> list[str]:
    """Every problem of the manifests in ``directory`` (schemas, then cross-references)."""
    errors: list[str] = []
    documents: list[tuple[str, dict[str, Any]]] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        return [f"{directory.name}: no manifests"]
    for path in files:
        docs, problems = _load_yaml_documents(path)
        errors += problems
        documents += [(path.name, doc) for doc in docs]
    kustomizations = [(name, doc) for name, doc in documents if doc.get("kind") == "Kustomization"]
    manifests = [(name, doc) for name, doc in documents if doc.get("kind") != "Kustomization"]
    for name, doc in manifests:
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except ValidationError as error:
                place = ".".join(str(part) for part in error.path) or "(top level)"
                errors.append(f"{name}: {_resource_name(doc)}: {place}: {error.message} (Kubernetes {version})")
                break
            except SchemaNotFoundError:
                errors.append(f"{name}: {_resource_name(doc)}: no such kind/apiVersion in Kubernetes {version}")
                break
    if errors:
        return errors
    errors += _kustomization_errors(kustomizations, {path.name for path in files})
    errors += _k8s_semantic_errors([doc for _, doc in manifests])
    return errors


def _kustomization_errors(kustomizations: list[tuple[str, dict[str, Any]]], files: set[str]) -> list[str]:
    if len(kustomizations) != 1:
        return [f"expected one kustomization.yaml, found {len(kustomizations)}"]
    name, doc = kustomizations[0]
    listed = set(doc.get("resources") or [])
    errors = [f"{name}: lists {item}, which does not exist" for item in sorted(listed - files)]
    unlisted = files - listed - {name} - K8S_NOT_IN_KUSTOMIZATION
    errors += [f"{name}: does not list {item}" for item in sorted(unlisted)]
    return errors


def _pod_templates(docs: Iterable[dict[str, Any]]) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    for doc in docs:
        if doc["kind"] in ("Deployment", "StatefulSet", "Job"):
            yield doc, doc["spec"]["template"]


def _k8s_semantic_errors(docs: list[dict[str, Any]]) -> list[str]:
    by_kind: dict[str, dict[str, dict[str, Any]]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    errors = [
        f"{_resource_name(doc)}: not in namespace plynx"
        for doc in docs
        if doc["kind"] != "Namespace" and doc["metadata"].get("namespace") != "plynx"
    ]
    for doc, template in _pod_templates(docs):
        errors += _pod_errors(doc, template, by_kind)
    return errors + _reference_errors(docs, by_kind) + _worker_errors(by_kind)


def _container_environment(
    where: str, container: dict[str, Any], by_kind: Mapping[str, Mapping[str, dict[str, Any]]]
) -> tuple[dict[str, str], list[str]]:
    """What a container's environment holds (placeholders of the example Secret filled in)."""
    config_maps, secrets = by_kind.get("ConfigMap", {}), by_kind.get("Secret", {})
    environment: dict[str, str] = {}
    errors = []
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            ref = source["configMapRef"]["name"]
            if ref not in config_maps:
                errors.append(f"{where}: ConfigMap {ref} does not exist")
            environment.update(config_maps.get(ref, {}).get("data", {}))
        if "secretRef" in source:
            ref = source["secretRef"]["name"]
            if ref not in secrets:
                errors.append(f"{where}: Secret {ref} does not exist")
            data = secrets.get(ref, {}).get("stringData", {})
            environment.update({k: COMPOSE_SECRETS.get(k, v) if PLACEHOLDER in v else v for k, v in data.items()})
    for variable in container.get("env", []):
        ref = (variable.get("valueFrom") or {}).get("secretKeyRef")
        if ref and ref["key"] not in secrets.get(ref["name"], {}).get("stringData", {}):
            errors.append(f"{where}: Secret {ref['name']} has no key {ref['key']}")
        if "value" in variable:
            environment[variable["name"]] = variable["value"]
    return environment, errors


def _pod_errors(
    doc: dict[str, Any], template: dict[str, Any], by_kind: Mapping[str, Mapping[str, dict[str, Any]]]
) -> list[str]:
    errors = []
    labels = template["metadata"].get("labels") or {}
    selector = (doc["spec"].get("selector") or {}).get("matchLabels") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        errors.append(f"{_resource_name(doc)}: selector {selector} does not match the pod labels {labels}")
    for container in template["spec"].get("containers", []) + template["spec"].get("initContainers", []):
        environment, problems = _container_environment(_resource_name(doc), container, by_kind)
        errors += problems
        if container.get("image") == "plynx":
            errors += _config_errors(f"{_resource_name(doc)} container {container['name']}", environment)
    return errors


def _reference_errors(docs: list[dict[str, Any]], by_kind: Mapping[str, Mapping[str, dict[str, Any]]]) -> list[str]:
    """Services select pods, the Ingress routes to Services, autoscalers target Deployments."""
    errors = []
    pod_labels = [
        template["metadata"].get("labels") or {} for doc, template in _pod_templates(docs) if doc["kind"] != "Job"
    ]
    for service in by_kind.get("Service", {}).values():
        selector = service["spec"].get("selector") or {}
        if not any(all(labels.get(k) == v for k, v in selector.items()) for labels in pod_labels):
            errors.append(f"{_resource_name(service)}: selects no pods ({selector})")
    for budget in by_kind.get("PodDisruptionBudget", {}).values():
        selector = budget["spec"]["selector"].get("matchLabels") or {}
        if not any(all(labels.get(k) == v for k, v in selector.items()) for labels in pod_labels):
            errors.append(f"{_resource_name(budget)}: selects no pods ({selector})")
    for ingress in by_kind.get("Ingress", {}).values():
        for rule in ingress["spec"].get("rules", []):
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]["name"]
                if backend not in by_kind.get("Service", {}):
                    errors.append(f"{_resource_name(ingress)}: backend Service {backend} does not exist")
    for hpa in by_kind.get("HorizontalPodAutoscaler", {}).values():
        target = hpa["spec"]["scaleTargetRef"]
        if target["name"] not in by_kind.get(target["kind"], {}):
            errors.append(f"{_resource_name(hpa)}: targets {target['kind']}/{target['name']}, which does not exist")
        if target["name"] == "beat":
            errors.append(f"{_resource_name(hpa)}: beat must stay a single replica")
    return errors


def _worker_errors(by_kind: Mapping[str, Mapping[str, dict[str, Any]]]) -> list[str]:
    """Every queue has one autoscaled worker group; exactly one beat."""
    errors = []
    deployments = by_kind.get("Deployment", {})
    scaled = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in by_kind.get("HorizontalPodAutoscaler", {}).values()}
    workers = {}
    beats = []
    for name, doc in deployments.items():
        container = doc["spec"]["template"]["spec"]["containers"][0]
        role = (container.get("args") or [None])[0]
        if role == "beat":
            beats.append(name)
        if role != "worker":
            continue
        workers[name] = next(
            (v.get("value", "") for v in container.get("env", []) if v["name"] == "PLYNX_WORKER_QUEUES"), ""
        )
        if name not in scaled:
            errors.append(f"Deployment/{name}: a worker group without an autoscaler")
        if "cpu" not in (container.get("resources") or {}).get("requests", {}):
            errors.append(f"Deployment/{name}: no CPU request (the CPU autoscaler needs one)")
    if len(beats) != 1 or deployments[beats[0]]["spec"].get("replicas") != 1:
        errors.append("Kubernetes: expected exactly one beat Deployment with one replica")
    return errors + _queue_errors("Kubernetes", workers)


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as work_dir:
        try:
            problems = compose_errors(work_dir=Path(work_dir))
        except RuntimeError as error:
            problems = [str(error)]
    problems += k8s_errors()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(
        f"deploy-check: {COMPOSE_FILE.relative_to(ROOT)} and {len(list(K8S_DIR.glob('*.yaml')))} manifests in "
        f"{K8S_DIR.relative_to(ROOT)} are valid (Kubernetes {', '.join(KUBERNETES_VERSIONS)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
