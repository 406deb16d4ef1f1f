# Production image of the profiles service. Point it at a MongoDB replica set:
#   docker run -e PROFILES_MONGODB_URL='mongodb://h1,h2,h3/?replicaSet=rs0&retryWrites=true&w=majority' \
#              -e PROFILES_JWT_SECRET=... -p 8000:8000 profiles
# The deploy pipeline's migration job runs the same image with another command:
#   docker run -e PROFILES_MONGODB_URL=... profiles profiles migrate up
# deploy/ has a compose file and Kubernetes manifests built on this image.
#
# The base is pinned to an exact version (3.11.7, as the development venv); pin it by
# digest too where the registry is reachable: `docker buildx imagetools inspect
# python:3.11.7-slim-bookworm` prints it, then `FROM python:3.11.7-slim-bookworm@sha256:...`.
ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /app
RUN python -m venv /venv
# runtime dependencies only, with their hashes (the dev tools are in requirements-dev.lock)
COPY requirements.lock ./
RUN /venv/bin/pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY documents documents
COPY service service
COPY api api
COPY migrations migrations
# the embedded database (SecantusDB) is for `make run` and the tests: the image has none
RUN /venv/bin/pip install --no-cache-dir --no-deps . \
    && /venv/bin/pip uninstall --yes secantusdb \
    && rm -rf /venv/lib/python3.11/site-packages/pip /venv/lib/python3.11/site-packages/pip-*

FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin profiles \
    && mkdir /data && chown profiles /data
COPY --from=build /venv /venv
# PROFILES_EMBEDDED_DB=off: without PROFILES_MONGODB_URL, serve, migrate and flags stop
# at start with one line instead of starting a database inside the container
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PROFILES_PORT=8000 \
    PROFILES_DATA_DIR=/data \
    PROFILES_LOG_FORMAT=json \
    PROFILES_EMBEDDED_DB=off
USER profiles
EXPOSE 8000
# SIGTERM: uvicorn stops accepting, lets requests in flight finish (up to
# PROFILES_GRACEFUL_TIMEOUT_SECONDS, 20 s; keep the orchestrator's grace period above it)
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/health/ready' % os.environ.get('PROFILES_PORT', '8000'); sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]
CMD ["profiles", "serve", "--host", "0.0.0.0"]
