"""Django settings. The database is LANDCYCLE_DATABASE_URL, else SQLite in the user data dir."""

import os
from pathlib import Path

import dj_database_url
import platformdirs

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("LANDCYCLE_DATA_DIR") or platformdirs.user_data_dir("landcycle"))

DEBUG = os.environ.get("LANDCYCLE_DEBUG", "0") == "1"


def _local_secret_key() -> str:
    """A random key made once and kept in the data directory (mode 0600): for development, tests
    and the demo only. ``landcycle serve`` refuses to start on it unless DEBUG or the demo."""
    import secrets

    path = DATA_DIR / "secret_key"
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    except OSError:  # a read-only data directory: a key for this process only
        return secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        key = secrets.token_urlsafe(50)
        handle.write(key)
    return key


# Production sets LANDCYCLE_SECRET_KEY (see landcycle.web.cli.handle_serve); never a fixed key.
LANDCYCLE_SECRET_KEY_FROM_ENV = bool(os.environ.get("LANDCYCLE_SECRET_KEY"))
SECRET_KEY = os.environ.get("LANDCYCLE_SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = os.environ.get("LANDCYCLE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")


# Seconds a connection waits for another's write lock on SQLite before "database is locked".
LANDCYCLE_SQLITE_BUSY_TIMEOUT = float(os.environ.get("LANDCYCLE_SQLITE_BUSY_TIMEOUT", "30"))
# Seconds an import waits on SQLite for another import's write lock (they run in turn).
LANDCYCLE_IMPORT_LOCK_WAIT = float(os.environ.get("LANDCYCLE_IMPORT_LOCK_WAIT", "600"))


def _sqlite_options() -> dict:
    # WAL lets the web app read while an import writes; IMMEDIATE avoids lock upgrades.
    # A 32 MB page cache per connection (the web keeps a connection per thread); large
    # writes raise it for their connection while they run (core.bulk.bulk_session).
    return {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": LANDCYCLE_SQLITE_BUSY_TIMEOUT,
    }


def _database_config() -> dict:
    url = os.environ.get("LANDCYCLE_DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'landcycle.sqlite3'}"
    # Persistent connections (one per server thread): opening one per request cost ~1.3 ms of
    # CPU on SQLite (connect, pragmas, schema) and a backend start on PostgreSQL.
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].update(_sqlite_options())
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Server-side binding lets psycopg prepare a statement run five times on a connection
        # (the pages repeat the same queries): ~10 % more requests per second at 100k parcels.
        # Off (0) behind PgBouncer in transaction mode, which cannot keep prepared statements.
        binding = os.environ.get("LANDCYCLE_PG_SERVER_SIDE_BINDING", "1") != "0"
        config.setdefault("OPTIONS", {}).setdefault("server_side_binding", binding)
    return config


def _state_config(default: dict) -> dict | None:
    """SQLite only: a second file for the small, frequent writes (sessions, login attempts,
    background jobs and their queue; ``landcycle.core.databases``). SQLite has one writer per
    file, and an import holds the ledger's write lock for its whole transaction (tens of
    seconds for a large one): logins and job progress must not wait behind it. PostgreSQL
    locks rows, so there everything stays in one database."""
    if default["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(default["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name)
    return {
        **default,
        "NAME": str(path.with_name(path.stem + "-state" + path.suffix)),
        "OPTIONS": _sqlite_options(),
        "TEST": {"NAME": None},
    }


DATABASES = {"default": _database_config()}
if (_state := _state_config(DATABASES["default"])) is not None:
    DATABASES["state"] = _state
DATABASE_ROUTERS = ["landcycle.core.databases.StateRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "landcycle.core",
    "landcycle.ledger",
    "landcycle.imports",
    "landcycle.evaluation",
    "landcycle.lifecycle",
    "rest_framework.authtoken",
    "django_filters",
    "landcycle.web",
    "landcycle.jobs",
    "landcycle.overview",
]

MIDDLEWARE = [
    "landcycle.web.middleware.TrustedProxyMiddleware",  # first: sets the client's address
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "landcycle.web.middleware.SecurityHeadersMiddleware",
    "landcycle.web.middleware.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "landcycle.web.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "landcycle.core.middleware.CurrentUserMiddleware",
]

ROOT_URLCONF = "landcycle.urls"
WSGI_APPLICATION = "landcycle.wsgi.application"

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
                "django.template.context_processors.i18n",
                "landcycle.web.context_processors.role",
            ]
        },
    }
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded and generated documents (contracts, notices, photos): in the data directory, never
# served as static files; `landcycle backup` includes them.
MEDIA_ROOT = Path(os.environ.get("LANDCYCLE_MEDIA_DIR") or DATA_DIR / "documents")
MEDIA_URL = "documents/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "landcycle.web.api.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["landcycle.web.api.permissions.RoleActionPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "landcycle.web.api.filters.RestrictedFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "landcycle.web.api.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "landcycle API",
    "VERSION": "0.1.0",
    # One enum for the four partial-date precision fields of a parcel.
    "ENUM_NAME_OVERRIDES": {"DatePrecisionEnum": "landcycle.ledger.models.DatePrecision"},
}

# ---- import limits: LANDCYCLE_IMPORT_MAX_FILE_MB, _INFLATED_MB, _ZIP_RATIO, _ROWS, _COLUMNS,
# _CELLS, _ERRORS_PER_COLUMN, _ERRORS; each an environment variable or a setting of that name
# (defaults and meaning: landcycle.imports.limits.DEFAULTS, docs/web.md "Limits").
# Uploads: files stream to a temporary file (not memory) and are dropped past the file limit.
FILE_UPLOAD_HANDLERS = [
    "landcycle.imports.upload_handler.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Directories searched for policy files besides the shipped ones.
LANDCYCLE_POLICY_DIRS = [
    Path(p) for p in os.environ.get("LANDCYCLE_POLICY_DIRS", "").split(os.pathsep) if p
] + [DATA_DIR / "policies"]

# ---- web: login, static files, security (landcycle.web) ----
AUTHENTICATION_BACKENDS = ["landcycle.web.auth.LockoutModelBackend"]
LOGIN_URL = "web:login"
# The web catalogue first: app catalogues listed earlier (DRF, django-filter) would otherwise
# win for common words ("Filter", "Search").
LOCALE_PATHS = [BASE_DIR / "web" / "locale"]
LOGIN_REDIRECT_URL = "overview:dashboard"
LANDCYCLE_LOGIN_MAX_FAILURES = int(os.environ.get("LANDCYCLE_LOGIN_MAX_FAILURES", "5"))
LANDCYCLE_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LANDCYCLE_LOGIN_LOCKOUT_MINUTES", "15"))
# Many people share an address (an office behind one proxy): only a guessing run locks it.
LANDCYCLE_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("LANDCYCLE_LOGIN_MAX_FAILURES_PER_ADDRESS", "100")
)
LANDCYCLE_API_TOKEN_DAYS = int(os.environ.get("LANDCYCLE_API_TOKEN_DAYS", "30"))
LANDCYCLE_API_MAX_LIMIT = int(os.environ.get("LANDCYCLE_API_MAX_LIMIT", "1000"))
# Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed (addresses or CIDR blocks,
# comma-separated; landcycle.web.middleware.TrustedProxyMiddleware). From other peers those
# headers are dropped, so turning the two settings below on is safe.
LANDCYCLE_TRUSTED_PROXIES = [
    p.strip()
    for p in os.environ.get("LANDCYCLE_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
    if p.strip()
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = True
# Base map (landcycle.web.maps.base_layers; docs/web.md "Base map"). Officers' maps: an intranet
# tile server (Leaflet URL template with {z}/{x}/{y}, optional {s}) when set, else 天地图 with a
# browser key (vec_w + cva_w), else none (parcels on a plain background, nothing downloaded).
LANDCYCLE_TILE_URL = os.environ.get("LANDCYCLE_TILE_URL", "")
LANDCYCLE_TILE_ATTRIBUTION = os.environ.get("LANDCYCLE_TILE_ATTRIBUTION", "")
LANDCYCLE_TILE_SUBDOMAINS = os.environ.get("LANDCYCLE_TILE_SUBDOMAINS", "")
LANDCYCLE_TILE_MAX_ZOOM = int(os.environ.get("LANDCYCLE_TILE_MAX_ZOOM", "18"))
LANDCYCLE_TIANDITU_KEY = os.environ.get("LANDCYCLE_TIANDITU_KEY", "")
# The public portal never gets LANDCYCLE_TILE_URL (an intranet address): its own public tile
# server, else 天地图 (a browser key is public by design) unless LANDCYCLE_PORTAL_TIANDITU=0.
LANDCYCLE_PORTAL_TILE_URL = os.environ.get("LANDCYCLE_PORTAL_TILE_URL", "")
LANDCYCLE_PORTAL_TILE_ATTRIBUTION = os.environ.get("LANDCYCLE_PORTAL_TILE_ATTRIBUTION", "")
LANDCYCLE_PORTAL_TILE_SUBDOMAINS = os.environ.get("LANDCYCLE_PORTAL_TILE_SUBDOMAINS", "")
LANDCYCLE_PORTAL_TILE_MAX_ZOOM = int(os.environ.get("LANDCYCLE_PORTAL_TILE_MAX_ZOOM", "18"))
LANDCYCLE_PORTAL_TIANDITU = os.environ.get("LANDCYCLE_PORTAL_TIANDITU", "1") != "0"
WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
WHITENOISE_AUTOREFRESH = DEBUG
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_ENGINE = "landcycle.web.sessions"  # database sessions, loaded with one plain SELECT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (production): LANDCYCLE_HTTPS=1 turns on secure cookies, HSTS and redirects.
if os.environ.get("LANDCYCLE_HTTPS", "0") == "1":
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("LANDCYCLE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if h and not h.startswith("[")]

# ---- background jobs (landcycle.jobs): imports now, long evaluations and feeds later ----
# A database queue (django-tasks with django-tasks-db) run by ``landcycle worker``, which
# ``landcycle serve`` starts and restarts. LANDCYCLE_WEB_SYNC_JOBS runs jobs inline (tests).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Uploads hold resident ID numbers: deleted when their job ends (a checked upload when its
# commit ends), or this many hours after upload if never committed.
LANDCYCLE_UPLOAD_RETENTION_HOURS = float(os.environ.get("LANDCYCLE_UPLOAD_RETENTION_HOURS", "24"))
# The largest upload of a document (一地一档), review evidence or objection attachment, in MB
# (landcycle.core.uploads; None = 20). The old LANDCYCLE_DOCUMENT_MAX_MB and
# LANDCYCLE_EVIDENCE_MAX_MB are still read, with a DeprecationWarning, for one release.
LANDCYCLE_UPLOAD_MAX_MB = os.environ.get("LANDCYCLE_UPLOAD_MAX_MB") or None
# A running job's worker writes a heartbeat this often; a job on another host whose heartbeat is
# four beats old is taken for dead when a worker starts (same host: the worker's pid is checked).
LANDCYCLE_JOB_HEARTBEAT_SECONDS = float(os.environ.get("LANDCYCLE_JOB_HEARTBEAT_SECONDS", "30"))
