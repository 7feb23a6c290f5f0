"""The container's start, run directly where Docker is not: the build context installed as the
image installs it, then compose's one-shot `vaani db upgrade` and the image's own CMD with
compose's environment, against a PostgreSQL that checks passwords as the postgres image does.
The image's HEALTHCHECK command itself says when it is healthy; SIGTERM (`docker stop`) ends it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from tests.support import container_image as image
from tests.support.container_image import REPO
from tests.support.live_server import free_port
from tests.support.postgres import throwaway_cluster

pytestmark = [pytest.mark.postgresql, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                                 reason="the build context is computed from a git checkout")]
SECRETS = {"POSTGRES_PASSWORD": "db pass/word@" + "p" * 20,  # characters a URL could not hold
           "VAANI_JWT_SECRET": "jwt-secret-" + "j" * 40, "VAANI_SECRETS_KEY": "seal-" + "s" * 40}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build context copied file by file, installed as the Dockerfile's last RUN does."""
    root = tmp_path_factory.mktemp("image")
    for name in image.context_files():
        (root / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, root / "src" / name)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--target", str(root / "site"), str(root / "src")],
                   check=True, capture_output=True, timeout=600)
    return root / "site"


def test_the_install_carries_every_file_of_the_packages(installed: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--", "domain", "application", "adapters",
                             "entrypoints"], cwd=REPO, check=True, capture_output=True,
                            text=True).stdout
    missing = [p for p in listed.split("\0") if p and not (installed / p).is_file()]
    assert not missing, f"`pip install .` leaves out (add them to package-data): {missing[:10]}"


def password_checking(server: str, role: str, database: str, password: str) -> str:
    """The postgres image's POSTGRES_USER/_DB/_PASSWORD, made in a throwaway cluster: a role
    (no superuser: the bank needs none) owning its database, let in only with its password."""
    port = sa.make_url(server).port
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                         autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(password)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(database), sql.Identifier(role)))
        rules = ["local all all trust", "host all postgres 127.0.0.1/32 trust",
                 "host all all 127.0.0.1/32 scram-sha-256"]
        # The server owns pg_hba.conf and COPY writes as the server: no path to the cluster.
        [hba] = admin.execute("SHOW hba_file").fetchall()[0]
        admin.execute(sql.SQL("COPY (SELECT * FROM unnest({}::text[])) TO {}").format(
            sql.Literal(rules), sql.Literal(hba)))
        admin.execute("SELECT pg_reload_conf()")
    for _ in range(600):  # until the reload is in force: no password, no entry
        try:
            psycopg.connect(host="127.0.0.1", port=port, user=role, dbname=database,
                            password="", connect_timeout=10).close()
        except psycopg.OperationalError as refused:
            assert "password" in str(refused), refused
            return f"127.0.0.1:{port}"
        time.sleep(0.05)
    raise AssertionError("pg_hba.conf did not come into force")


@pytest.fixture
def container_env(installed: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """What the container's processes see: the image's ENV under compose's environment (.env
    holding the secrets and the port), `db` resolving to the throwaway server."""
    port = free_port()
    spec = image.compose({**SECRETS, "VAANI_PORT": str(port)})
    db = spec["services"]["db"]["environment"]
    with throwaway_cluster() as server:
        address = password_checking(server, db["POSTGRES_USER"], db["POSTGRES_DB"],
                                    db["POSTGRES_PASSWORD"])
        env = {**image.image_env(image.dockerfile()), **spec["services"]["app"]["environment"]}
        assert env["VAANI_DATABASE_URL"].split("@")[1].startswith("db:5432/")
        env["VAANI_DATABASE_URL"] = env["VAANI_DATABASE_URL"].replace("@db:5432/", f"@{address}/")
        # The image's /opt/vaani is the install above on this interpreter.
        env.update(PATH=f"{installed / 'bin'}:{Path(sys.executable).parent}:/usr/bin:/bin",
                   PYTHONPATH=str(installed), HOME=str(tmp_path),
                   NUMBA_CACHE_DIR=str(tmp_path / "numba"))
        yield env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=env["HOME"], capture_output=True, text=True,
                          timeout=600)


def listening_on_every_address(port: int) -> bool:
    """/proc/net/tcp: a socket in LISTEN (0A) on 0.0.0.0 at the port."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return any(f"00000000:{port:04X}" == line.split()[1] and line.split()[3] == "0A"
               for line in lines)


def test_the_containers_start_upgrades_serves_is_healthy_and_stops(
        container_env: dict[str, str], installed: Path, tmp_path: Path) -> None:
    env = container_env
    where = run(["python", "-c", "import entrypoints; print(entrypoints.__file__)"], env)
    assert where.stdout.startswith(str(installed)), where  # the installed copy, not the checkout
    migrate = image.compose({**SECRETS})["services"]["migrate"]["command"]
    for _ in range(2):  # compose runs it at every `up`: again is harmless
        upgraded = run(migrate, env)
        assert upgraded.returncode == 0, upgraded.stderr
        assert "is at schema revision 0" in upgraded.stdout, upgraded.stdout
    steps = image.dockerfile()
    [cmd] = [image.exec_form(rest) for k, rest in image.final_stage(steps) if k == "CMD"]
    _, probe = image.healthcheck(steps)
    assert run(probe, env).returncode != 0  # nothing serves yet: unhealthy
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(cmd, env=env, cwd=env["HOME"], stdout=log, stderr=log,
                              start_new_session=True)
    try:
        for _ in range(1200):
            assert server.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            if run(probe, env).returncode == 0:
                break
            time.sleep(0.5)
        else:
            raise AssertionError("the HEALTHCHECK never passed")
        # `exec`: the start command's process is vaani itself, which docker stop signals.
        assert b"vaani" in Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")[1]
        assert listening_on_every_address(int(env["VAANI_PORT"]))
        ready = urllib.request.urlopen(f"http://127.0.0.1:{env['VAANI_PORT']}/ready", timeout=30)
        assert ready.status == 200  # the database answers with the password from PGPASSWORD
        server.send_signal(signal.SIGTERM)
        # uvicorn drains, then ends by the signal it was sent (docker reports 143).
        assert server.wait(timeout=120) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in (tmp_path / "serve.log").read_text()
        # Nothing written in its home and working directory (the log is ours): a read-only
        # file system with a /tmp to write in is enough for it.
        assert {p.name for p in tmp_path.iterdir()} <= {"serve.log", "numba"}
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=60)
        log.close()
