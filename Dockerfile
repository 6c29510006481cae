# The API and the projection worker share this image; docker-compose.yml runs both.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY domain ./domain
COPY application ./application
COPY projections ./projections
COPY api ./api
COPY migrations ./migrations
RUN pip install . && useradd --system --no-create-home crm

USER crm
ENV CRM_HOST=0.0.0.0 CRM_PORT=8000 CRM_DATA_DIR=/tmp/crm
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["crm", "serve"]
