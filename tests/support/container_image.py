"""The container's files read without Docker: the Dockerfile's instructions, the build context
that .dockerignore lets through, and compose.yaml with its ${VARIABLES} filled in. Docker is
not on every machine that runs the suite; these readers follow Docker's own rules closely
enough that a test can build the image's file list and run its start command directly."""

from __future__ import annotations

import functools
import json
import re
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]


class ComposeError(Exception):
    """compose.yaml cannot be used as written, as `docker compose` would refuse it."""


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: comments dropped, continuation lines joined."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, rest = whole.partition(" ")
        found.append((keyword.upper(), rest.strip()))
    return found


def dockerfile() -> list[tuple[str, str]]:
    return instructions((REPO / "Dockerfile").read_text(encoding="utf-8"))


def global_args(steps: list[tuple[str, str]]) -> dict[str, str]:
    """ARG defaults declared before the first FROM (those FROM lines may use)."""
    args: dict[str, str] = {}
    for keyword, rest in steps:
        if keyword == "FROM":
            break
        if keyword == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            args[name.strip()] = value.strip()
    return args


def final_stage(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def exec_form(rest: str) -> list[str]:
    """A CMD/ENTRYPOINT/HEALTHCHECK CMD in exec (JSON) form; shell form is refused: its
    command runs under /bin/sh -c, whose PID 1 never passes SIGTERM on."""
    command = json.loads(rest)
    if not (isinstance(command, list) and all(isinstance(part, str) for part in command)):
        raise ValueError(f"not an exec-form command: {rest}")
    return command


def healthcheck(steps: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """The final stage's HEALTHCHECK: its options (--interval=30s, ...) and its command."""
    [rest] = [r for k, r in final_stage(steps) if k == "HEALTHCHECK"]
    options, _, command = rest.partition("CMD ")
    pairs = [o.removeprefix("--").split("=", 1) for o in options.split()]
    return {name: value for name, value in pairs}, exec_form(command)


def image_env(steps: list[tuple[str, str]]) -> dict[str, str]:
    """The final stage's ENV values (KEY=value form), as written."""
    env: dict[str, str] = {}
    for keyword, rest in final_stage(steps):
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def _pattern(text: str) -> re.Pattern[str]:
    """A .dockerignore pattern as moby/patternmatcher compiles it: `**/` any directories,
    `*` and `?` within one path segment, [classes] as written."""
    out, i = "", 0
    while i < len(text):
        if text.startswith("**", i):
            i += 2
            if text.startswith("/", i):
                i += 1
            out += ".*" if i >= len(text) else "(.*/)?"
            continue
        char = text[i]
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = text.index("]", i)
            out += text[i:end + 1]
            i = end
        else:
            out += re.escape(char)
        i += 1
    return re.compile(f"^{out}$")


Rules = tuple[tuple[bool, re.Pattern[str]], ...]


def ignore_rules(text: str) -> Rules:
    """(negated, pattern) per line; the last rule matching a path or a parent of it wins."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        cleaned = line.removeprefix("!").strip().strip("/")
        rules.append((negated, _pattern(cleaned)))
    return tuple(rules)


@functools.cache
def _last_rule(prefix: str, rules: Rules) -> int:
    """The index of the last rule matching `prefix` itself, -1 for none (a checkout's files
    share their folders, so each folder is matched once)."""
    return max((i for i, (_, pattern) in enumerate(rules) if pattern.match(prefix)), default=-1)


def excluded(path: str, rules: Rules) -> bool:
    parts = path.split("/")
    last = max(_last_rule("/".join(parts[:n]), rules) for n in range(1, len(parts) + 1))
    return last >= 0 and not rules[last][0]


@functools.cache
def context_files(repo: Path = REPO) -> tuple[str, ...]:
    """What `docker build` sends from this checkout: every file in it, tracked or not (git's
    own ignores do not apply to a build context), less what .dockerignore excludes."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "-z"], cwd=repo,
                            check=True, capture_output=True, text=True).stdout
    rules = ignore_rules((repo / ".dockerignore").read_text(encoding="utf-8"))
    return tuple(sorted(p for p in listed.split("\0")
                        if p and not excluded(p, rules) and (repo / p).is_file()))


_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$(\w+)")


def interpolate(text: str, variables: Mapping[str, str]) -> str:
    """${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error} and $$ as
    compose fills them; a required variable that is missing is an error, as compose's."""
    def fill(found: re.Match[str]) -> str:
        if found.group(0) == "$$":
            return "$"
        name = found.group(1) or found.group(4)
        operator, argument = found.group(2), found.group(3) or ""
        value = variables.get(name)
        missing = value is None or (value == "" and operator is not None and ":" in operator)
        if operator and operator.endswith("?") and missing:
            raise ComposeError(f"required variable {name} is missing: {argument}")
        if operator and operator.endswith("-") and missing:
            return argument
        return value or ""
    return _VARIABLE.sub(fill, text)


def compose(variables: Mapping[str, str]) -> dict[str, Any]:
    """compose.yaml, merge keys (<<) resolved and every string interpolated."""
    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return interpolate(node, variables)
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node
    loaded = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    return dict(walk(loaded))
