"""Django settings. Every value that varies by deployment comes from ``plynx_site.conf``."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from kombu import Exchange
from kombu import Queue as KombuQueue

from plynx_site.conf import read_config
from plynx_site.plugins import load_plugins
from plynx_site.queues import Queue, all_queues

# Lets generic Django classes be subscripted at run time (`ModelAdmin[Node]`) for the type checker.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
PLYNX = read_config(os.environ, BASE_DIR)
PLYNX_PLUGINS = load_plugins(PLYNX.plugins_path)
PLYNX_MULTI_USER = PLYNX.multi_user
# The user every request acts as in single-user mode, as in the seed (`curl -u default:`).
PLYNX_DEFAULT_USERNAME = "default"


def _single_user_secret_key(var_dir: Path) -> str:
    """A random key kept under var/, so web and workers sign alike and sessions survive restarts."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = PLYNX.secret_key or _single_user_secret_key(PLYNX.var_dir)
DEBUG = PLYNX.debug
ALLOWED_HOSTS = PLYNX.allowed_hosts
CSRF_TRUSTED_ORIGINS = PLYNX.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.users",
    "apps.resources",
    "apps.nodes",
    "apps.graphs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.users.login_guard.LoginLockedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
if not PLYNX_MULTI_USER:
    MIDDLEWARE.insert(0, "plynx_site.middleware.LoopbackOnlyMiddleware")

ROOT_URLCONF = "plynx_site.urls"
WSGI_APPLICATION = "plynx_site.wsgi.application"
ASGI_APPLICATION = "plynx_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": PLYNX.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
# Every password check (sessions, tokens, basic auth, the admin) goes through the login guard.
AUTHENTICATION_BACKENDS = ["apps.users.login_guard.GuardedModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PLYNX.var_dir / "static"
# WhiteNoise serves from here; it exists (empty) before the first `collectstatic`.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The React app (frontend/, built with `npm run build`): WhiteNoise serves its files at the site
# root and plynx_site.frontend answers its index.html for the app's own paths. A build made while
# the server runs is picked up at the next start (or at once with PLYNX_DEBUG).
PLYNX_FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
WHITENOISE_ROOT = PLYNX_FRONTEND_DIST if PLYNX_FRONTEND_DIST.is_dir() else None
# Vite names the bundles under assets/ after their content hash: browsers may keep them forever.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/assets/.+-[\w-]{8}\.\w+(\.map)?$"

_storage = PLYNX.storage
if _storage.backend == "s3":
    _artifact_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _storage.bucket,
            "location": _storage.location,
            "endpoint_url": _storage.endpoint_url,
            "region_name": _storage.region,
            "access_key": _storage.access_key_id,
            "secret_key": _storage.secret_access_key,
            # Artifacts are content-addressed: a key never changes meaning, never overwrite.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _artifact_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _storage.location, "file_permissions_mode": 0o644},
    }
STORAGES = {
    "default": _artifact_storage,
    # No manifest: admin pages render even before `collectstatic` has run (tests, dev).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Security. Behind TLS (PLYNX_HTTPS=true) cookies are secure, HTTP is redirected and HSTS is sent;
# the reverse proxy is trusted to say which scheme the client used.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PLYNX.https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "apps.users.api.authentication.SingleUserBasicAuthentication",
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        # Last: a request with no credentials at all, in single-user mode only.
        "apps.users.api.authentication.SingleUserAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 20,
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=10),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=30),
    "SIGNING_KEY": SECRET_KEY,
    # Tokens carry a digest of the password they were issued under: changing it revokes them.
    "CHECK_REVOKE_TOKEN": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PLynx API",
    "DESCRIPTION": "Reproducible experiments and data workflows.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc served from the installed package: nothing is fetched from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`: each set of values keeps its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "GraphRunningStatusEnum": "apps.graphs.choices.GraphRunningStatus",
        "NodeRunningStatusEnum": "apps.graphs.choices.NodeRunningStatus",
        "NodeStatusEnum": "apps.nodes.choices.NodeStatus",
        "AttemptOutcomeEnum": "apps.graphs.models.NodeRunAttempt.Outcome",
    },
}

# Celery: JSON only, late acknowledgement, one message prefetched per process, so a worker
# that dies mid-node gives its message back instead of losing it (see ARCHITECTURE.md).
CELERY_BROKER_URL = PLYNX.redis_url
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Task events cost broker round trips on every node; Flower turns them on in the workers it
# watches (`make up` runs it), `celery control enable_events` does too. No "sent" events either:
# they would double the broker round trips of a large dispatch.
CELERY_WORKER_SEND_TASK_EVENTS = False
# Celery's Django fix-up closes the database connection before and after every task unless this
# is set: a new connection per node (a PostgreSQL backend started each time) would cost more than
# the rest of the node's bookkeeping. Connections are kept; apps.nodes.tasks applies Django's own
# rules (CONN_MAX_AGE, health checks) before each task instead.
CELERY_DB_REUSE_MAX = 1_000_000
# The longest a node may run (its `_timeout` is capped by this) plus a margin: Redis must not
# hand an unacknowledged message to a second worker while the first still runs it.
PLYNX_MAX_NODE_TIMEOUT_SECONDS = 24 * 3600
# A running node's lease, renewed by its worker twice a second; when it lapses the node is taken
# to be lost and is sent again (up to the attempt limit). The sweeper looks every few seconds.
PLYNX_NODE_LEASE_SECONDS = PLYNX.node_lease_seconds
PLYNX_NODE_MAX_ATTEMPTS = PLYNX.node_max_attempts
# A queued node unclaimed this long, while its queue is empty, had its message lost: send it again.
PLYNX_REQUEUE_AFTER_SECONDS = PLYNX.requeue_after_seconds
PLYNX_SWEEP_INTERVAL_SECONDS = PLYNX.sweep_interval_seconds
# The largest file an upload may carry; a larger one is refused with 413 while it streams in.
PLYNX_MAX_UPLOAD_BYTES = PLYNX.max_upload_bytes
# Password guessing: after this many failed sign-ins of one user name from one address within the
# lockout window, that pair is refused (429) until the window has passed; one address gets five
# times as many failures over all user names (apps/users/login_guard.py).
PLYNX_LOGIN_MAX_FAILURES = PLYNX.login_max_failures
PLYNX_LOGIN_LOCKOUT_SECONDS = PLYNX.login_lockout_seconds
# How many reverse proxies stand in front of the web server, each appending the address it saw to
# X-Forwarded-For: the client's address is the one the outermost proxy appended. 0 trusts no header.
PLYNX_TRUSTED_PROXIES = PLYNX.trusted_proxies
PLYNX_WORKER_HEARTBEAT_SECONDS = 5
PLYNX_WORKER_EXPIRY_SECONDS = 60
CELERY_BEAT_SCHEDULE = {
    "sweep-runs": {"task": "plynx.sweep_runs", "schedule": PLYNX_SWEEP_INTERVAL_SECONDS, "options": {"expires": 30}},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": PLYNX_MAX_NODE_TIMEOUT_SECONDS + 3600}
CELERY_TIMEZONE = TIME_ZONE
# A worker started without -Q consumes every queue; a worker per kind uses -Q plynx.<kind>.
CELERY_TASK_DEFAULT_QUEUE = Queue.CONTROL.value
CELERY_TASK_QUEUES = [KombuQueue(name, Exchange(name), routing_key=name) for name in all_queues(PLYNX_PLUGINS)]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": PLYNX.log_level},
    "loggers": {
        "django": {"handlers": ["console"], "level": PLYNX.log_level, "propagate": False},
    },
}
