# syntax=docker/dockerfile:1
# Vaani's image: `vaani serve` with the voice stack, as a user without privileges
# (docs/containers.md). Build: docker build -t vaani .   Run: docker compose up
# The Python of pyproject.toml ([tool.mypy] python_version) and the torch of its pin: a test
# (tests/unit/test_container_files.py) keeps these two in step with it.
ARG PYTHON_VERSION=3.11
ARG TORCH_VERSION=2.13.0
# PyTorch's CPU-only wheels; a bank's own mirror of that index will do (--build-arg).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ARG TORCH_VERSION
ARG TORCH_INDEX_URL
# webrtcvad ships no wheel: it is compiled here, and the compiler stays behind in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/vaani
ENV PATH=/opt/vaani/bin:$PATH PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# PyTorch's CPU build, from its CPU index: PyPI's Linux torch pulls gigabytes of CUDA libraries
# a CPU-only speaker model never uses. `torch==X` in pyproject.toml accepts this `X+cpu`.
RUN pip install --index-url "${TORCH_INDEX_URL}" "torch==${TORCH_VERSION}"
# The dependencies exactly as pyproject.toml lists them (what `make install` installs, without
# the test extras), in a layer of their own: a change to the code does not reinstall them.
COPY pyproject.toml /src/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/src/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt
# The four packages and their data files (migrations, password list, grammar, rules), as a
# regular install: .dockerignore lets in only what this needs.
COPY . /src
RUN pip install --no-deps --no-build-isolation /src && pip check

FROM python:${PYTHON_VERSION}-slim-bookworm
LABEL org.opencontainers.image.title="vaani" \
      org.opencontainers.image.description="Voice-secured core banking: the HTTP API and the vaani CLI" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/vaani \
      --shell /usr/sbin/nologin vaani
COPY --from=build /opt/vaani /opt/vaani
# VAANI_PORT and VAANI_WORKERS are the start command's (below), not the settings': every other
# VAANI_* variable is read by the application (docs/configuration.md). No secret is set here.
ENV PATH=/opt/vaani/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    NUMBA_CACHE_DIR=/tmp/numba \
    VAANI_PORT=8000 \
    VAANI_WORKERS=1
USER vaani
WORKDIR /home/vaani
EXPOSE 8000
# /health answers once the process serves, after the speaker model is loaded: the start period
# covers that load. Python's own urllib: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('VAANI_PORT', '8000'), timeout=4)"]
# `exec`: vaani replaces the shell, so `docker stop`'s SIGTERM reaches uvicorn, which drains.
CMD ["sh", "-c", "exec vaani serve --host 0.0.0.0 --port \"$VAANI_PORT\" --workers \"$VAANI_WORKERS\""]
