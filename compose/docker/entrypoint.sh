#!/usr/bin/env bash
# The PLynx image's entry point: the first argument names the process to run.
#
#   web        gunicorn on 0.0.0.0:$PLYNX_PORT (the web app, REST APIs, admin, /health)
#   worker     a Celery worker on the queues in $PLYNX_WORKER_QUEUES (comma-separated; all if empty)
#   beat       the Celery beat clock (exactly one per deployment)
#   flower     Flower on 0.0.0.0:5555, behind FLOWER_BASIC_AUTH (required)
#   migrate    apply database migrations; create the S3 bucket if it does not exist
#   health     exit 0 when the web server in this container answers /health with 200
#   manage ... python manage.py ... (for example: manage users create_user --username ada --admin)
#
# Anything else is run as given (for example: bash).
set -euo pipefail

die() { printf 'error: %s\n' "$*" >&2; exit 64; }

port="${PLYNX_PORT:-8000}"
log_level="${PLYNX_LOG_LEVEL:-INFO}"

case "${1:-web}" in
    web)
        shift || true
        exec gunicorn plynx_site.wsgi \
            --bind "0.0.0.0:$port" \
            --workers "${PLYNX_WEB_WORKERS:-2}" \
            --threads "${PLYNX_WEB_THREADS:-8}" \
            --timeout 120 \
            --forwarded-allow-ips '*' \
            --access-logfile - --error-logfile - "$@"
        ;;
    worker)
        shift
        queues=()
        if [ -n "${PLYNX_WORKER_QUEUES:-}" ]; then queues=(--queues "$PLYNX_WORKER_QUEUES"); fi
        exec celery -A plynx_site worker \
            --hostname "${PLYNX_WORKER_NAME:-worker}@%h" \
            "${queues[@]}" \
            --concurrency "${PLYNX_WORKER_CONCURRENCY:-4}" \
            --loglevel "$log_level" "$@"
        ;;
    beat)
        shift
        exec celery -A plynx_site beat --schedule /app/var/celerybeat-schedule --loglevel "$log_level" "$@"
        ;;
    flower)
        shift
        [ -n "${FLOWER_BASIC_AUTH:-}" ] || die "FLOWER_BASIC_AUTH is not set (user:password): Flower can revoke tasks and stop workers"
        exec celery -A plynx_site flower --address=0.0.0.0 --port=5555 "$@"
        ;;
    migrate)
        shift
        python manage.py migrate --noinput
        exec python - <<'PY'
"""Create the artifact bucket when storage is S3 and the bucket is missing (MinIO starts empty)."""
import django

django.setup()
import boto3
from botocore.exceptions import ClientError
from django.conf import settings

storage = settings.PLYNX.storage
if storage.backend == "s3":
    s3 = boto3.client(
        "s3",
        endpoint_url=storage.endpoint_url,
        region_name=storage.region,
        aws_access_key_id=storage.access_key_id,
        aws_secret_access_key=storage.secret_access_key,
    )
    try:
        s3.head_bucket(Bucket=storage.bucket)
        print(f"bucket {storage.bucket} exists")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
            raise SystemExit(f"error: bucket {storage.bucket}: {error}") from None
        s3.create_bucket(Bucket=storage.bucket)
        print(f"bucket {storage.bucket} created")
PY
        ;;
    health)
        exec python - "$port" <<'PY'
"""GET /health as the first allowed host would be asked for (Django refuses unknown Host headers)."""
import os
import sys
import urllib.request

hosts = [h.strip() for h in os.environ.get("PLYNX_ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
request = urllib.request.Request(
    f"http://127.0.0.1:{sys.argv[1]}/health", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
PY
        ;;
    manage)
        shift
        exec python manage.py "$@"
        ;;
    *)
        exec "$@"
        ;;
esac
