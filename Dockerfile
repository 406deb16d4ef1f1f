# Production image of the profiles service. Point it at a MongoDB replica set:
#   docker run -e PROFILES_MONGODB_URL=mongodb://... -e PROFILES_JWT_SECRET=... -p 8000:8000 profiles
FROM python:3.11-slim AS build
WORKDIR /app
RUN python -m venv /venv
COPY requirements.lock ./
RUN /venv/bin/pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY documents documents
COPY service service
COPY api api
COPY migrations migrations
RUN /venv/bin/pip install --no-cache-dir --no-deps .

FROM python:3.11-slim
RUN useradd --system --uid 10001 profiles
COPY --from=build /venv /venv
ENV PATH="/venv/bin:$PATH" \
    PROFILES_HOST=0.0.0.0 \
    PROFILES_PORT=8000 \
    PROFILES_DATA_DIR=/data
RUN mkdir /data && chown profiles /data
USER profiles
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/ready').status != 200)"
CMD ["profiles", "serve"]
