"""The shipped deployment files are valid, and the validation catches a broken copy of each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.deploy.validate import COMPOSE_FILE, ENV_EXAMPLE, K8S_DIR, compose_config, compose_errors, k8s_errors


def broken_compose(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the compose file with one change, where its build context (..) exists."""
    text = COMPOSE_FILE.read_text()
    assert text.count(old) >= 1, f"{old!r} is not in the compose file"
    copy = tmp_path / "compose" / COMPOSE_FILE.name
    copy.parent.mkdir()
    copy.write_text(text.replace(old, new, 1))
    return copy


def broken_k8s(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the manifests with one change in ``file``."""
    copy = tmp_path / "k8s"
    shutil.copytree(K8S_DIR, copy)
    text = (copy / file).read_text()
    assert text.count(old) >= 1, f"{old!r} is not in {file}"
    (copy / file).write_text(text.replace(old, new, 1))
    return copy


def test_the_compose_file_is_valid(tmp_path: Path) -> None:
    assert compose_errors(work_dir=tmp_path) == []


def test_the_kubernetes_manifests_are_valid() -> None:
    assert k8s_errors() == []


def test_compose_refuses_to_start_until_the_secrets_are_set() -> None:
    config, errors = compose_config(COMPOSE_FILE, ENV_EXAMPLE)
    assert config is None
    assert len(errors) == 1
    # docker-compose names the first required variable it meets without a value.
    required = ("PLYNX_SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "FLOWER_BASIC_AUTH")
    assert any(f"set {name} in compose/.env" in errors[0] for name in required), errors


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        pytest.param(
            '    ports:\n      - "${PLYNX_PORT:-8000}:8000"',
            "    ports: 8000",
            "docker-compose.yml: services/web/ports: 8000 is not of type 'array'",
            id="schema-type",
        ),
        pytest.param(
            "    stop_grace_period: 60s\n\n  # python",
            "    stop_grace_perod: 60s\n\n  # python",
            "docker-compose.yml: services/worker-bash: Unevaluated properties are not allowed "
            "('stop_grace_perod' was unexpected)",
            id="schema-unknown-key",
        ),
        pytest.param(
            '    restart: "no"\n    depends_on:\n      postgres:',
            '    restart: "no"\n    depends_on:\n      postgress:',
            "docker-compose.yml: docker-compose config: Service 'migrate' depends on service 'postgress' "
            "which is undefined.",
            id="undefined-service",
        ),
        pytest.param(
            "      PLYNX_WORKER_QUEUES: plynx.python\n",
            "      PLYNX_WORKER_QUEUES: plynx.bash_jinja2\n",
            "docker-compose.yml: no worker consumes queue plynx.python",
            id="queue-without-worker",
        ),
        pytest.param(
            "  PLYNX_HTTPS: ${PLYNX_HTTPS:-false}",
            "  PLYNX_HTTPS: ${PLYNX_HTTPS:-maybe}",
            "docker-compose.yml: service beat: the platform refuses this configuration: PLYNX_HTTPS: expected a "
            "boolean (true/false, 1/0, yes/no, on/off), got 'maybe'",
            id="bad-platform-value",
        ),
        pytest.param(
            '  beat:\n    <<: *plynx\n    command: ["beat"]\n',
            '  beat:\n    <<: *plynx\n    command: ["beat"]\n  beat-again:\n    <<: *plynx\n    command: ["beat"]\n',
            "docker-compose.yml: several services run beat (beat, beat-again): the sweeper would tick twice",
            id="two-beats",
        ),
    ],
)
def test_a_broken_compose_file_is_refused(tmp_path: Path, old: str, new: str, error: str) -> None:
    errors = compose_errors(broken_compose(tmp_path, old, new), work_dir=tmp_path)
    assert error in errors, errors


@pytest.mark.parametrize(
    ("file", "old", "new", "error"),
    [
        pytest.param(
            "beat.yaml",
            "  replicas: 1\n",
            "  replicas: one\n",
            "beat.yaml: Deployment/beat: spec.replicas: 'one' is not of type 'integer', 'null' (Kubernetes 1.31.0)",
            id="schema-type",
        ),
        pytest.param(
            "flower.yaml",
            "      targetPort: http\n",
            "      targetPort: http\n      targetport: http\n",
            "flower.yaml: Service/flower: spec.ports.0: Additional properties are not allowed "
            "('targetport' was unexpected) (Kubernetes 1.31.0)",
            id="strict-unknown-field",
        ),
        pytest.param(
            "web.yaml",
            "apiVersion: autoscaling/v2\n",
            "apiVersion: autoscaling/v2beta1\n",
            "web.yaml: HorizontalPodAutoscaler/web: no such kind/apiVersion in Kubernetes 1.31.0",
            id="removed-api-version",
        ),
        pytest.param(
            "flower.yaml",
            "  selector:\n    app.kubernetes.io/name: plynx\n    app.kubernetes.io/component: flower\n",
            "  selector:\n    app.kubernetes.io/name: plynx\n    app.kubernetes.io/component: flowers\n",
            "Service/flower: selects no pods ({'app.kubernetes.io/name': 'plynx', "
            "'app.kubernetes.io/component': 'flowers'})",
            id="service-selects-nothing",
        ),
        pytest.param(
            "web.yaml",
            "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: plynx\n",
            "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: plinx\n",
            "PodDisruptionBudget/web: selects no pods",
            id="budget-selects-nothing",
        ),
        pytest.param(
            "workers.yaml",
            "    name: worker-python\n  minReplicas",
            "    name: worker-pyhton\n  minReplicas",
            "HorizontalPodAutoscaler/worker-python: targets Deployment/worker-pyhton, which does not exist",
            id="autoscaler-target",
        ),
        pytest.param(
            "workers.yaml",
            "              value: plynx.control,plynx.composite\n",
            "              value: plynx.control\n",
            "Kubernetes: no worker consumes queue plynx.composite",
            id="queue-without-worker",
        ),
        pytest.param(
            "configmap.yaml",
            "  PLYNX_LOG_LEVEL: INFO\n",
            "  PLYNX_LOG_LEVEL: LOUD\n",
            "Deployment/web container web: the platform refuses this configuration: PLYNX_LOG_LEVEL: expected one "
            "of DEBUG, INFO, WARNING, ERROR, got 'LOUD'",
            id="bad-platform-value",
        ),
        pytest.param(
            "kustomization.yaml",
            "  - flower.yaml\n",
            "  - flower.yml\n",
            "kustomization.yaml: lists flower.yml, which does not exist",
            id="kustomization-missing-file",
        ),
        pytest.param(
            "minio.yaml",
            "                  key: MINIO_ROOT_USER\n",
            "                  key: MINIO_USER\n",
            "StatefulSet/minio: Secret plynx-secrets has no key MINIO_USER",
            id="missing-secret-key",
        ),
        pytest.param(
            "redis.yaml",
            "kind: StatefulSet\n",
            "kind: StatefulSet\n---\nkind: [\n",
            "redis.yaml: not valid YAML",
            id="not-yaml",
        ),
    ],
)
def test_broken_manifests_are_refused(tmp_path: Path, file: str, old: str, new: str, error: str) -> None:
    errors = k8s_errors(broken_k8s(tmp_path, file, old, new))
    assert any(problem.startswith(error) for problem in errors), errors
