"""Settings shared by every environment, read from the environment.

Variables for Django itself are prefixed ``DJANGO_``; ``DATABASE_URL`` and
``CELERY_BROKER_URL`` keep their conventional names.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "core",
    "accounts",
    "clients",
    "providers",
    "integrations",
    "catalogue",
    "sla",
    "records",
    "compliance",
    "surveys",
    "cost_recovery",
    "capacities",
    "dashboards",
    "audit",
    "demo",
    "ops",
    "network",
    "webhooks",
]

MIDDLEWARE = [
    # First: every request gets an id (logs, X-Request-ID) and is timed (metrics), and the
    # probes answer before host validation, HTTPS redirects and sessions.
    "ops.middleware.RequestContextMiddleware",
    "ops.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages in the reader's time zone (their preference, else their organisation's).
    "accounts.middleware.ViewerZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into a clear refusal.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after 5 failures for a username from one address,
# that pair is locked out for 15 minutes; the page says so.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PORTAL_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): only our own origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

ROOT_URLCONF = "portal.urls"

# <select> written in Python (core/forms.py): the per-option templates dominated list pages.
FORM_RENDERER = "core.forms.PortalFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
            "builtins": ["core.templatetags.portal"],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (a new one per request costs more than many pages' queries), each
# checked before a request reuses it, so that after a database restart the next request
# reconnects instead of failing on a dead connection.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# Service-record imports: uploads above this size are refused with a clear message;
# bulk API calls up to RECORD_IMPORT_SYNC_ROWS rows are answered at once, larger
# ones run in the background and answer 202 with the import to follow.
RECORD_IMPORT_MAX_BYTES = env.int("PORTAL_RECORD_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
RECORD_IMPORT_SYNC_ROWS = env.int("PORTAL_RECORD_IMPORT_SYNC_ROWS", default=5000)
# Dashboards keep their figures this long (0: never), and always start again after a
# compliance run has finished; open records and deadlines are at most this late.
DASHBOARD_CACHE_SECONDS = env.int("PORTAL_DASHBOARD_CACHE_SECONDS", default=60)
DATA_UPLOAD_MAX_MEMORY_SIZE = RECORD_IMPORT_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="portal@localhost")
# Seconds before a mail server that does not answer counts as away (its e-mails are sent
# again later), rather than holding a request or a task.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
# Absolute links in e-mails.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    # The first class answers for a request without (valid) credentials: 401 with its
    # WWW-Authenticate header, which a session has none of (DRF would answer 403). Session
    # users are still held to CSRF, whichever order: keep a class with a header first.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.IntegrationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["integrations.authentication.IntegrationTokenThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.ReadForMembersWriteForCurators"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    # Error answers on every operation; the documented query parameters are the accepted ones.
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Service catalogue and SLA portal API",
    "DESCRIPTION": (
        "REST API of the Secretariat's service catalogue and SLA management portal: "
        "catalogue, providers, client entities, standards and designations, service records, "
        "SLAs, compliance, the client survey and cost recovery.\n\n"
        "Authenticate with a signed-in session or an integration token "
        "(`Authorization: Bearer <token>`, made on `/integration-tokens/`). "
        "An object is named in a path by its id or by its "
        "natural key (a code such as `UNON`, an SLA's number); filters on a related object "
        "take either too. Lists are paginated (`page`, `page_size` up to 500: `count`, "
        "`next`, `previous`, `results`). A query parameter an operation does not document is "
        "refused with 400, as is a body field it does not take. Every error answers the "
        "`Error` shape: `message`, and `errors` by field."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its pages are public: integrators read them before they have an account.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON (and a CSV upload where one is taken): the same
    # body offered also as a form and as multipart leaves a generated client unable to
    # tell which to send. The browsable API's forms still work.
    "PARSER_WHITELIST": [
        "rest_framework.parsers.JSONParser",
        "records.api.views.CsvBodyParser",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RecordStatusEnum": "records.choices.RecordStatus",
        "ImportStatusEnum": "records.choices.ImportStatus",
        "SlaStatusEnum": "sla.choices.SlaStatus",
        "MeasureKindEnum": "catalogue.choices.MeasureKind",
        "OfferingScopeEnum": "catalogue.choices.OfferingScope",
        "ProviderKindEnum": "providers.choices.ProviderKind",
        "StatementStatusEnum": "cost_recovery.choices.StatementStatus",
        "TokenScopeEnum": "integrations.choices.TokenScope",
        "DeliveryStatusEnum": "webhooks.choices.DeliveryStatus",
        "WebhookEventTypeEnum": "webhooks.choices.EventType",
    },
}

# Integration tokens: how long one may last, how often its last use is noted, and how many
# requests it may make (DRF rate: "600/minute"), counted in the "throttle" cache.
PORTAL_TOKEN_MAX_DAYS = env.int("PORTAL_TOKEN_MAX_DAYS", default=365)
PORTAL_TOKEN_LAST_USE_SECONDS = env.int("PORTAL_TOKEN_LAST_USE_SECONDS", default=60)
PORTAL_TOKEN_RATE = env("PORTAL_TOKEN_RATE", default="600/minute")
PORTAL_THROTTLE_CACHE = "throttle"

# Celery: without a broker, tasks run in-process (eager), as a worker would run them.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A task not acknowledged (worker killed) is delivered again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("PORTAL_CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# The compliance engine's tasks have a queue of their own, with its own workers, so that a
# long recompute never delays imports, re-measures or e-mails (the other tasks stay on
# Celery's default queue, "celery"). Tasks run in-process ignore the routes.
# A worker started without --queues consumes both (the readiness probe wants a worker seen
# recently on each queue declared here).
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Each queue has its exchange and routing key of its own: on one exchange with one key, a
# task would be delivered to both queues.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in ("celery", "compliance")
)
CELERY_TASK_ROUTES = {"compliance.*": {"queue": "compliance"}}
# Fault injection for the crash tests only: hold each compliance shard's transaction open
# this long before committing, so a test can kill the worker mid-task. Keep at 0.
COMPLIANCE_FAULT_DELAY_SECONDS = env.float("PORTAL_COMPLIANCE_FAULT_DELAY", default=0)
CELERY_BEAT_SCHEDULE = {
    "sla-lifecycle": {
        "task": "sla.update_lifecycle",
        "schedule": crontab(hour=0, minute=15),
    },
    "compliance-pending": {"task": "compliance.compute_pending", "schedule": 60.0},
    "calendar-remeasure-pending": {"task": "records.remeasure_pending", "schedule": 600.0},
    "notification-emails-pending": {"task": "accounts.send_pending_emails", "schedule": 300.0},
    "survey-housekeeping": {"task": "surveys.housekeeping", "schedule": crontab(minute=30)},
    "cost-recovery-volume-notices": {
        "task": "cost_recovery.send_volume_notices",
        "schedule": crontab(hour=2, minute=0),
    },
    "compliance-nightly": {
        "task": "compliance.compute_recent",
        "schedule": crontab(hour=1, minute=0),
    },
    "webhooks-due": {"task": "webhooks.deliver_due", "schedule": 60.0},
}

# Webhooks (webhooks/, docs/webhooks.md): subscribers' URLs must be https and resolve to
# public addresses only. WEBHOOK_ALLOW_HTTP lets plain http through (local receivers,
# tests); WEBHOOK_ALLOWED_NETWORKS (CIDR) lets private or loopback addresses through (a
# receiver inside the organisation's network); WEBHOOK_ONLY_NETWORKS, when set, is the
# only place deliveries may go. Each attempt waits WEBHOOK_TIMEOUT_SECONDS at most to
# connect and for each read; failed ones are tried again after WEBHOOK_RETRY_BASE_SECONDS,
# four times longer each time (at most WEBHOOK_RETRY_MAX_SECONDS), WEBHOOK_MAX_ATTEMPTS
# attempts in all (by default about 15 hours).
WEBHOOK_ALLOW_HTTP = env.bool("PORTAL_WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOWED_NETWORKS = env.list("PORTAL_WEBHOOK_ALLOWED_NETWORKS", default=[])
WEBHOOK_ONLY_NETWORKS = env.list("PORTAL_WEBHOOK_ONLY_NETWORKS", default=[])
WEBHOOK_TIMEOUT_SECONDS = env.float("PORTAL_WEBHOOK_TIMEOUT_SECONDS", default=15.0)
WEBHOOK_RETRY_BASE_SECONDS = env.int("PORTAL_WEBHOOK_RETRY_BASE_SECONDS", default=10)
WEBHOOK_RETRY_MAX_SECONDS = env.int("PORTAL_WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600)
WEBHOOK_MAX_ATTEMPTS = env.int("PORTAL_WEBHOOK_MAX_ATTEMPTS", default=8)

# Beat's scheduler records each run of its loop for the readiness probe (ops/heartbeats.py),
# and its loop runs at least this often (seconds).
CELERY_BEAT_SCHEDULER = "ops.heartbeats:RecordingScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("PORTAL_BEAT_LOOP_SECONDS", default=60)

# Operations (ops/): probes, heartbeats, metrics. See the README's Production section.
# Caches: the throttle's counters are shared by every web process, so they live in Redis
# (PORTAL_CACHE_URL, by default the broker's server) when there is one; otherwise in each
# process's memory, as the rest of the cache.
PORTAL_CACHE_URL = env(
    "PORTAL_CACHE_URL",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "",
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PORTAL_CACHE_URL,
            "KEY_PREFIX": "portal:throttle",
        }
        if PORTAL_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}

# Heartbeats of workers and beat: Redis keys under this prefix, on the broker's server.
PORTAL_HEARTBEAT_PREFIX = env("PORTAL_HEARTBEAT_PREFIX", default="portal:heartbeat")
PORTAL_HEARTBEAT_SECONDS = env.float("PORTAL_HEARTBEAT_SECONDS", default=10.0)
# /readyz: each check's time limit (Redis), and how old the last signs of life may be.
PORTAL_READY_TIMEOUT = env.float("PORTAL_READY_TIMEOUT", default=1.0)
PORTAL_READY_WORKER_MAX_AGE = env.int("PORTAL_READY_WORKER_MAX_AGE", default=60)
PORTAL_READY_BEAT_MAX_AGE = env.int("PORTAL_READY_BEAT_MAX_AGE", default=180)
# The oldest month waiting for the compliance engine (beat sends it every minute).
PORTAL_READY_COMPLIANCE_MAX_LAG = env.int("PORTAL_READY_COMPLIANCE_MAX_LAG", default=1800)
# /metrics answers a bearer token equal to this, or a caller from these networks (CIDR);
# with neither set, nobody.
PORTAL_METRICS_TOKEN = env("PORTAL_METRICS_TOKEN", default="")
PORTAL_METRICS_NETWORKS = env.list("PORTAL_METRICS_NETWORKS", default=[])
# A worker serves its own metrics (tasks, imports) on this address and port (0: not at
# all); docker-compose.yml listens on every interface of the worker's container.
PORTAL_WORKER_METRICS_PORT = env.int("PORTAL_WORKER_METRICS_PORT", default=0)
PORTAL_WORKER_METRICS_ADDRESS = env("PORTAL_WORKER_METRICS_ADDRESS", default="127.0.0.1")

# Logs: "text" on a developer's machine, "json" (one object a line, ops/logs.py) in
# production. Workers and beat log through this configuration too (portal/celery.py).
PORTAL_LOG_FORMAT = env("PORTAL_LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {"()": "ops.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": PORTAL_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per task is noise when tasks run in-process; workers log their own.
        "celery.app.trace": {"level": env("CELERY_TRACE_LOG_LEVEL", default="WARNING")},
        # One line per request (ops.middleware): production's access log.
        "portal.access": {"level": env("PORTAL_ACCESS_LOG_LEVEL", default="WARNING")},
    },
}

# The empty choice of every filter's list reads "Any" (django-filter's default is a row of
# dashes).
FILTERS_EMPTY_CHOICE_LABEL = "Any"
# Dates shown without an explicit format follow portal/formats/en (ISO 8601 dates).
FORMAT_MODULE_PATH = ["portal.formats"]
if not CELERY_BROKER_URL:
    # Tasks run in-process without a broker: kombu's warning that the (unused) broker has
    # no host name says nothing useful.
    LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite ignores the covering columns of an index (PostgreSQL uses them): the warning
    # is expected there.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
