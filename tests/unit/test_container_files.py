"""The image's files and rules, read without Docker: the build context holds what `pip install .`
installs and nothing a checkout should keep to itself, the Dockerfile runs `vaani serve` as a
user without privileges with a health check, and compose.yaml upgrades the schema before it
serves, with every secret from the environment."""

from __future__ import annotations

import glob
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet

from entrypoints.settings import load_settings
from tests.support import container_image as image
from tests.support.container_image import REPO, ComposeError

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                                reason="the build context is computed from a git checkout")
PACKAGES = ("domain", "application", "adapters", "entrypoints")
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SECRETS = {"POSTGRES_PASSWORD": "db-password-" + "p" * 20,
           "VAANI_JWT_SECRET": "jwt-secret-" + "j" * 40, "VAANI_SECRETS_KEY": "seal-" + "s" * 40}


def tracked(*roots: str) -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--", *roots], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    return [p for p in listed.split("\0") if p]


def test_the_context_holds_every_file_the_install_needs() -> None:
    context = set(image.context_files())
    assert {"pyproject.toml", "README.md", "LICENSE"} <= context  # README: pyproject's readme
    in_packages = tracked(*PACKAGES)
    assert sum(p.endswith(".py") for p in in_packages) > 100
    assert set(in_packages) <= context, sorted(set(in_packages) - context)[:10]
    # Each package-data glob finds files, and they all travel (migrations, password list, ...).
    for package, patterns in PROJECT["tool"]["setuptools"]["package-data"].items():
        folder = REPO / package.replace(".", "/")
        for pattern in patterns:
            found = glob.glob(pattern, root_dir=folder, recursive=True)
            assert found, f"{package}: {pattern} matches no file"
            for name in found:
                assert (folder / name).relative_to(REPO).as_posix() in context


def test_the_context_keeps_out_secrets_databases_and_everything_else() -> None:
    for path in image.context_files():
        assert path.split("/")[0] in PACKAGES or path in ("pyproject.toml", "README.md",
                                                          "LICENSE"), path
    rules = image.ignore_rules((REPO / ".dockerignore").read_text(encoding="utf-8"))
    for junk in (".git", ".git/config", ".env", ".env.production", ".venv/bin/python",
                 "var/vaani.db", "var/vaani.db-wal", "tests/data/voice/a.wav", "docs/voice.md",
                 "bench/results.json", "Makefile", ".ci/run", "vaani.egg-info/PKG-INFO",
                 "adapters/__pycache__/a.cpython-311.pyc", "entrypoints/local.db",
                 "adapters/sql/.env", "domain/vaani.egg-info/SOURCES.txt", "build/lib/a.py"):
        assert image.excluded(junk, rules), junk
    for needed in ("domain/money.py", "adapters/sql/migrations/versions/0001_initial.py",
                   "application/data/common-passwords.txt.gz", "pyproject.toml"):
        assert not image.excluded(needed, rules), needed


def test_the_image_is_the_projects_python_and_cpu_torch() -> None:
    steps = image.dockerfile()
    args = image.global_args(steps)
    python = args["PYTHON_VERSION"]
    assert python == PROJECT["tool"]["mypy"]["python_version"]
    assert f"{python}.0" in SpecifierSet(PROJECT["project"]["requires-python"])
    bases = [rest.split()[0] for keyword, rest in steps if keyword == "FROM"]
    assert bases == ["python:${PYTHON_VERSION}-slim-bookworm"] * 2  # Debian slim, both stages
    [pin] = [d for d in PROJECT["project"]["dependencies"] if d.startswith("torch")]
    assert pin == f"torch=={args['TORCH_VERSION']}"
    runs = [rest for keyword, rest in steps if keyword == "RUN"]
    assert args["TORCH_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    assert any('--index-url "${TORCH_INDEX_URL}" "torch==${TORCH_VERSION}"' in run for run in runs)
    assert any("pip install --no-deps --no-build-isolation /src" in run for run in runs)
    labels = " ".join(rest for keyword, rest in image.final_stage(steps) if keyword == "LABEL")
    assert f'org.opencontainers.image.licenses="{PROJECT["project"]["license"]}"' in labels


def test_the_image_serves_as_a_user_without_privileges_with_a_health_check() -> None:
    steps = image.dockerfile()
    final = image.final_stage(steps)
    users = [rest for keyword, rest in final if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    keywords = [keyword for keyword, _ in final]
    assert "ENTRYPOINT" not in keywords
    # The start command comes after the last USER: nothing runs it as root.
    assert keywords.index("CMD") > len(keywords) - 1 - keywords[::-1].index("USER")
    [cmd] = [image.exec_form(rest) for keyword, rest in final if keyword == "CMD"]
    assert cmd[:2] == ["sh", "-c"]
    assert cmd[2].startswith("exec vaani serve --host 0.0.0.0 --port \"$VAANI_PORT\"")
    options, probe = image.healthcheck(steps)
    assert {"interval", "timeout", "start-period", "retries"} <= options.keys()
    assert probe[0] == "python" and "/health" in probe[-1] and "VAANI_PORT" in probe[-1]
    env = image.image_env(steps)
    assert env["VAANI_PORT"] == "8000" and env["VAANI_WORKERS"] == "1"
    declared = {rest.partition("=")[0].strip() for k, rest in steps if k == "ARG"} | env.keys()
    assert not [name for name in declared if "SECRET" in name or "PASSWORD" in name]


class ReadNames(dict[str, str]):
    """An environment that remembers which names were looked up in it."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)


@pytest.fixture
def spec() -> Iterator[dict[str, Any]]:
    yield image.compose(SECRETS)


def test_compose_upgrades_the_schema_before_serving(spec: dict[str, Any]) -> None:
    services = spec["services"]
    assert set(services) == {"db", "migrate", "app"}
    db = services["db"]
    assert db["image"].startswith("postgres:") and db["healthcheck"]["test"][:2] == ["CMD",
                                                                                    "pg_isready"]
    [volume] = db["volumes"]
    name, _, mounted = volume.partition(":")
    assert mounted == "/var/lib/postgresql/data" and name in spec["volumes"]
    assert services["migrate"]["command"] == ["vaani", "db", "upgrade"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    app = services["app"]
    assert "command" not in app  # the image's CMD: vaani serve
    assert app["depends_on"] == {"db": {"condition": "service_healthy"},
                                 "migrate": {"condition": "service_completed_successfully"}}
    assert app["environment"] == services["migrate"]["environment"]
    assert all(port.startswith("127.0.0.1:") for port in app["ports"])


def test_compose_configures_through_names_the_settings_read(spec: dict[str, Any]) -> None:
    environment = spec["services"]["app"]["environment"]
    env = ReadNames({k: str(v) for k, v in environment.items()})
    settings = load_settings(env)
    assert settings.profile == "postgresql" and settings.jwt_secret == SECRETS["VAANI_JWT_SECRET"]
    assert settings.secrets_key == SECRETS["VAANI_SECRETS_KEY"] and settings.smtp is None
    # The mail server's other values are read once a host is set.
    with_mail = ReadNames({**env, "VAANI_SMTP_HOST": "mail.example.in",
                           "VAANI_SMTP_FROM": "no-reply@example.in"})
    assert load_settings(with_mail).smtp is not None
    start_command = set(image.image_env(image.dockerfile()))  # VAANI_PORT, VAANI_WORKERS
    unread = ({n for n in environment if n.startswith("VAANI_")} - env.read - with_mail.read
              - start_command)
    assert not unread, f"compose.yaml sets variables nothing reads: {sorted(unread)}"
    assert environment["PGPASSWORD"] == SECRETS["POSTGRES_PASSWORD"]  # libpq's own variable


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret(secret: str) -> None:
    with pytest.raises(ComposeError, match=secret):
        image.compose({k: v for k, v in SECRETS.items() if k != secret})
    with pytest.raises(ComposeError, match=secret):
        image.compose({**SECRETS, secret: ""})
