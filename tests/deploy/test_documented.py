"""Every variable the platform, the image and the compose file read is documented, and the image's
build finds every file it copies."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

from plynx_site.conf import read_config
from tests.deploy.validate import COMPOSE_FILE, ENV_EXAMPLE, K8S_DIR, ROOT, read_env_file

DOCKERFILE = ROOT / "compose" / "docker" / "Dockerfile"
ENTRYPOINT = ROOT / "compose" / "docker" / "entrypoint.sh"
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"


def platform_variables() -> set[str]:
    """The variables ``plynx_site/conf.py`` reads (every ``env_*(environ, "NAME", ...)`` call)."""
    source = (ROOT / "plynx_site" / "conf.py").read_text()
    return set(re.findall(r'env_\w+\(\s*environ,\s*"([A-Z0-9_]+)"', source))


def shell_variables(path: Path) -> set[str]:
    """``${NAME...}`` references of a shell script or compose file."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", path.read_text()))


def documented_in_env_example() -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


def test_the_platform_reads_the_variables_expected() -> None:
    # A guard on the parser above: it must see the variables, not an empty set.
    assert {"DATABASE_URL", "REDIS_URL", "PLYNX_SECRET_KEY", "PLYNX_SWEEP_INTERVAL_SECONDS"} <= platform_variables()


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda: platform_variables(), id="platform"),
        pytest.param(lambda: shell_variables(ENTRYPOINT), id="entrypoint"),
        pytest.param(lambda: shell_variables(COMPOSE_FILE), id="compose"),
    ],
)
def test_every_variable_is_in_the_env_example_and_the_configuration_guide(source: object) -> None:
    variables = source()  # type: ignore[operator]
    assert variables
    assert sorted(variables - documented_in_env_example()) == []
    guide = CONFIGURATION_DOC.read_text()
    assert sorted(name for name in variables if f"`{name}`" not in guide) == []


def test_the_kubernetes_config_map_sets_only_known_variables() -> None:
    config_map = (K8S_DIR / "configmap.yaml").read_text()
    names = set(re.findall(r"^  ([A-Z][A-Z0-9_]*):", config_map, flags=re.MULTILINE))
    assert names
    known = platform_variables() | shell_variables(ENTRYPOINT)
    assert sorted(names - known) == []


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Whether Docker leaves ``path`` (or a directory above it) out of the build context."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(prefix, pattern.removeprefix("**/"))
        for pattern in dockerignore_patterns()
        for prefix in prefixes
    )


def dockerfile_copies() -> list[str]:
    """The sources of the Dockerfile's COPY instructions that come from the build context."""
    sources = []
    for line in DOCKERFILE.read_text().splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(word.startswith("--from=") for word in words):
            sources += words[1:-1]
    return sources


def test_the_image_copies_files_that_exist_and_are_in_the_build_context() -> None:
    sources = dockerfile_copies()
    assert "requirements.txt" in sources
    assert "frontend/package-lock.json" in sources
    missing = [source for source in sources if not (ROOT / source).exists()]
    assert missing == []
    assert [source for source in sources if ignored(source)] == []


def test_the_build_context_leaves_out_local_state() -> None:
    for path in (".venv/bin/python", "var/plynx.sqlite3", "frontend/node_modules/react", ".git/HEAD", ".env"):
        assert ignored(path), path
    for path in ("apps/nodes/tasks.py", "plynx_site/settings.py", "sdk/plynx/node.py", "frontend/src/main.tsx"):
        assert not ignored(path), path


def test_the_entrypoint_is_executable() -> None:
    assert ENTRYPOINT.stat().st_mode & 0o111 == 0o111


def test_the_env_example_copied_for_make_up_keeps_the_defaults() -> None:
    config = read_config(read_env_file(ENV_EXAMPLE), ROOT)
    assert config.multi_user is False
    assert (config.host, config.port, config.flower_port) == ("127.0.0.1", 8000, 5555)
    assert config.storage.backend == "local"
    assert config.database["ENGINE"] == "django.db.backends.sqlite3"
