# Zen Digest bot. Set BOT_TOKEN (and ADMIN_IDS, CHANNEL_ID) at run time; the SQLite file lives on /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_PATH=/data/zendigest.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install . \
    && useradd --create-home --uid 10001 zen \
    && mkdir -p /data && chown zen:zen /data

USER zen
VOLUME ["/data"]
CMD ["zendigest", "run"]
