# One image for the API and the workers (docker-compose.yml runs it twice with different commands).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ACCESS_DATA_DIR=/data \
    ACCESS_AXE_PATH=/app/node_modules/axe-core/axe.min.js
WORKDIR /app
COPY scripts/apt-packages.txt scripts/apt-packages.txt
RUN apt-get update \
 && sed -e 's/#.*//' scripts/apt-packages.txt | awk 'NF && $1 != "docker-compose" {print $1}' \
    | xargs apt-get install -y --no-install-recommends nodejs npm curl \
 && rm -rf /var/lib/apt/lists/*
COPY package*.json ./
# --ignore-scripts: no install script downloads a browser; DAISY Ace runs the Debian chromium
RUN if [ -f package.json ]; then PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund; fi
COPY pyproject.toml README.md LICENSE NOTICE ./
COPY access access
COPY api api
COPY workers workers
COPY webapp webapp
COPY auditors auditors
COPY converters converters
COPY rules rules
RUN pip install --no-cache-dir .
VOLUME /data
EXPOSE 8000
CMD ["access", "serve", "--host", "0.0.0.0", "--port", "8000"]
