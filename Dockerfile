# wirewatch: one image for every role (daemon, API, sweeper, migrate); the command picks the role.
# Build: docker build -t wirewatch .     Run: see docker-compose.yml and docs/deploy.md.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/wirewatch
WORKDIR /src
# Metadata first, then the packages pyproject.toml lists ([tool.setuptools] packages).
COPY pyproject.toml README.md ./
COPY wirewatch/ wirewatch/
COPY crawlers/ crawlers/
COPY dedupe/ dedupe/
COPY storage/ storage/
COPY scheduler/ scheduler/
RUN /opt/wirewatch/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/wirewatch/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    WIREWATCH_SOURCES=/config/sources.yaml \
    WIREWATCH_DATA_DIR=/var/lib/wirewatch \
    WIREWATCH_LOG_FORMAT=json
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/wirewatch --create-home wirewatch
COPY --from=build /opt/wirewatch /opt/wirewatch
COPY sources.example.yaml /config/sources.yaml
USER wirewatch
WORKDIR /var/lib/wirewatch
# The daemon's heartbeat, checked in Redis; the API service overrides this with /healthz?scope=api.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["wirewatch", "check"]
ENTRYPOINT []
CMD ["wirewatch", "run"]
