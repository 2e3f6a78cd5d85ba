# newsbot in a slim image: the package installed into its own virtual environment (as the
# README's `make run` does, without the development tools), run by an unprivileged user.
# docs/deploy.md shows it in compose.yaml with PostgreSQL and a TLS proxy.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY jobs ./jobs
COPY sending ./sending
COPY web ./web
COPY monitor ./monitor
COPY news ./news
RUN python -m venv /opt/newsbot \
    && /opt/newsbot/bin/pip install . \
    && useradd --system --uid 10001 --create-home --home-dir /var/lib/newsbot newsbot

USER newsbot
WORKDIR /var/lib/newsbot
ENV PATH=/opt/newsbot/bin:$PATH \
    WEBHOOK_HOST=0.0.0.0 \
    METRICS_HOST=0.0.0.0
# 8080: the webhook (WEBHOOK_PORT); 9090: /metrics and /healthz when METRICS_PORT=9090.
EXPOSE 8080 9090
# SIGTERM stops it in order: no more updates taken, the queued ones handled, sends finished.
STOPSIGNAL SIGTERM
CMD ["newsbot", "run"]
