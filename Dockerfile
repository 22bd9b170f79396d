# Zen Digest bot. Set BOT_TOKEN (and ADMIN_IDS, CHANNEL_ID) at run time; the SQLite file lives on /data.
# Installs exactly requirements.lock (hash-checked), then the project itself without resolving again.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/zendigest.sqlite3

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-deps . \
    && groupadd --gid 10001 zen && useradd --create-home --uid 10001 --gid 10001 zen \
    && mkdir -p /data && chown 10001:10001 /data

# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
VOLUME ["/data"]
# Without BOT_TOKEN this stops with one configuration error (exit 2) instead of starting the sandbox.
CMD ["zendigest", "run"]
