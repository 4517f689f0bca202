"""Settings for every environment: each value comes from an environment variable.

The defaults run the embedded setup (SQLite, Celery eager, local-memory cache) with no
services; production differs only by its environment (see README, "Configuration").
"""

from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse as _reverse
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "config.apps.SaylauAdminConfig",  # the admin, with two-factor sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "stations",
    "elections",
    "observers",
    "complaints",
    "integrity",
    "forensics",
    "transparency",
    "standards",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the cache, so that cached answers carry the policy too.
    "common.middleware.ContentSecurityPolicy",  # django-csp's, the policy built once
    # Before anything looks a request up: a NUL in the path (404), query or form (400).
    "common.middleware.RefuseNulCharacters",
    # Early, so that a cached public answer skips the rest; after the HTTPS redirect.
    "common.public_cache.PublicCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # user.is_verified(): a second factor this session
    "common.clients.PageThrottleMiddleware",  # anonymous pages and files: the API throttles itself
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its answer
]

ROOT_URLCONF = "config.urls"
# Wiring: a station's page is elections' (stations does not know elections' URL names); the
# finder and the admin's "view on site" link there through Station.get_absolute_url.
ABSOLUTE_URL_OVERRIDES = {
    "stations.station": lambda station: _reverse("elections:station", args=[station.pk]),
}
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in the ignored var/ directory unless DATABASE_URL points elsewhere.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'saylau.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded setup serves pages while a simulation or an import writes: WAL lets readers
    # read during a write, IMMEDIATE makes writers queue instead of failing with "locked", and
    # synchronous=NORMAL drops the fsync per commit that WAL makes safe to drop. A 64 MB page
    # cache, the file mapped into memory and temporary tables in memory keep a night's reads
    # (the whole register fits) off the file system.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
            "PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        ),
    }
# A streaming replica (a hot standby of the primary) for the public reads: the anonymous results
# pages and results API read there, every write and every other read goes to the primary
# (common/replica.py). Set it on the web and worker processes alike: the workers note the
# primary's log position after each change, so a page is never built from a replica behind it.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},  # a test suite reads its own test database there
    }
    DATABASE_ROUTERS = ["common.replica.PublicReadRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Times are stored in UTC and shown in a station's own zone; this is the CEC's (Astana) zone.
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")
USE_TZ = True
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]  # Kazakh's; Russian's and English's are Django's own
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
# The project's catalogues; then what Django's kk catalogue (the admin's and forms' messages) and
# DRF's ru one leave in English, which makemessages must not treat as the project's.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    # Uploads are written only when their bytes are a PDF, PNG or JPEG (common/uploads.py);
    # results/ holds the snapshots the site itself writes.
    "default": {
        "BACKEND": "common.uploads.UploadStorage",
        "OPTIONS": {"own_folders": ["results"]},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# A style sheet missing from the collected files is linked by its plain name rather than
# failing the page: a missing `collectstatic` must never turn into a 500.
WHITENOISE_MANIFEST_STRICT = False

# Public results pages are rebuilt at most this often while results keep changing (every
# publication changes them): readers see a change this many seconds late at most.
PUBLIC_REFRESH_SECONDS = env.float("PUBLIC_REFRESH_SECONDS", default=5.0)
# The open standards' files (a whole election each) are written at most this often.
STANDARDS_SNAPSHOT_SECONDS = env.float("STANDARDS_SNAPSHOT_SECONDS", default=60.0)
COMPLAINTS_DEADLINE_RULES = "kz2023"  # complaints/data/<this>_deadlines.json: the law in force
# Complaint deadlines the law text did not give (complaints/data/kz2023_deadlines.json holds
# their defaults, 10 days and 24 hours); unset, the file's figure stands.
COMPLAINTS_FILING_WINDOW_DAYS = env.int("COMPLAINTS_FILING_WINDOW_DAYS", default=None)
COMPLAINTS_IMMEDIATELY_HOURS = env.int("COMPLAINTS_IMMEDIATELY_HOURS", default=None)
# Complainants are told of each step by e-mail; the demo prints the messages on the console.
# SITE_URL starts the links in them (the follow link a voter confirms their address with).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="complaints@saylau.example")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Filings without an account, per client (each sends a mail to an address its filer typed).
COMPLAINTS_FILING_RATE = env.str("COMPLAINTS_FILING_RATE", default="10/hour")
# A station with an observer's copy but no published record this long after its close is a
# discrepancy (integrity/rules.py, unpublished_after_close).
INTEGRITY_UNPUBLISHED_HOURS = env.float("INTEGRITY_UNPUBLISHED_HOURS", default=12.0)
# The transparency log's signed checkpoints (transparency/keys.py, README "The transparency
# log"): the CEC's Ed25519 signing key as a note signer key ("PRIVATE+KEY+…", made by
# `manage.py transparency_key`), given in TRANSPARENCY_KEY or in the file TRANSPARENCY_KEY_FILE;
# with neither, the tree is kept but no checkpoint is signed. The key's name is the log's origin:
# TRANSPARENCY_ORIGIN is the name `transparency_key` gives a new key.
TRANSPARENCY_KEY = env.str("TRANSPARENCY_KEY", default="")
TRANSPARENCY_KEY_FILE = env.str("TRANSPARENCY_KEY_FILE", default=str(VAR_DIR / "transparency.key"))
TRANSPARENCY_ORIGIN = env.str("TRANSPARENCY_ORIGIN", default="saylau.kz/log")
# A station report stated more than this before the server receives it needs a reason.
REPORT_LATE_MINUTES = env.int("REPORT_LATE_MINUTES", default=60)

# REDIS_URL switches the whole deployment to its production shape: Redis is the Celery broker,
# result backend and cache. Without it tasks run eagerly in the web process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "saylau",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# A task is acknowledged only once it has run, and a worker that dies hands it back, so a
# killed worker delays work but loses none; tasks are idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs as LOGGING says, JSON included
CELERY_RESULT_EXPIRES = 3600
# Every periodic task, in one place.
CELERY_BEAT_SCHEDULE = {
    # Re-queue what a lost task left undone (accepted protocols not yet published, contests whose
    # protocols changed after their last tally), so an outage delays results but loses nothing.
    "sweep": {"task": "elections.sweep", "schedule": 30.0},
    # Observers' copies checked against records published since the last run.
    "integrity-sweep": {"task": "integrity.sweep", "schedule": 60.0},
    # The transparency log takes in records that came without the signal, and signs, every minute.
    "transparency-extend": {"task": "transparency.extend", "schedule": 60.0},
    # The forensic figures of every party list whose records moved on (forensics/tasks.py).
    "forensics-refresh": {"task": "forensics.refresh", "schedule": 60.0},
    # Observers' badges stop being valid once the results are final.
    "expire-accreditations": {"task": "observers.expire_accreditations", "schedule": 3600.0},
}

# The client's address (common/clients.py): REMOTE_ADDR, or, behind this many proxies of the
# site's own that each append to X-Forwarded-For, the address the outermost one was reached
# from. Throttles and the login lockout key on it. Set it only when every request comes
# through those proxies: the site's own port must not be reachable around them.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES: the number of proxies, 0 or more.")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that an unauthenticated request is told how to sign in: 401 with
        # `WWW-Authenticate: Token` rather than a bare 403.
        "config.authentication.ExpiringTokenAuthentication",
        "config.authentication.VerifiedSessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "common.api_errors.exception_handler",
    # DRF's parsers, the JSON one refusing a body nested past the decoder's depth (a 400).
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Every endpoint throttles anonymous clients, each known by its trusted address; answers
    # served from the public cache do not count. `pages`: everything outside the API.
    "DEFAULT_THROTTLE_CLASSES": ["common.clients.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("ANON_API_RATE", default="600/min"),
        "pages": env.str("ANON_PAGE_RATE", default="300/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Saylau API",
    "DESCRIPTION": "Read-only open data about polling stations, contests and published results.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "config.schema.REGION_KIND",
        "StationKindEnum": "config.schema.STATION_KIND",
        "ContestKindEnum": "config.schema.CONTEST_KIND",
    },
}

LOGIN_URL = "admin:login"
# CSV imports (stations, protocols) larger than this are refused before they are read.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=25) * 1000 * 1000
# The admin's exports (django-import-export) write formulae as text by the rule of the site's
# own CSV files (common/spreadsheets.py, in each export resource); the library's own escaping
# only drops one leading "=", which leaves "==1+1" a formula.
# Staff API tokens (issued in the admin) stop working after a shift's length.
API_TOKEN_LIFETIME = timedelta(hours=env.int("API_TOKEN_HOURS", default=12))
OTP_TOTP_ISSUER = "Saylau"
# Keys are handed out by enrol_two_factor alone: the admin shows no one's key or QR code (and
# its key pages, refused before any lookup, cannot fail on an id that is no device's).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Object-level rules (elections/rules.py) decide what a user may do with a given station.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Behind a TLS-terminating proxy in production (see docker-compose.yml): HTTPS only, and
# browsers told to keep to it. The load balancer's health check may stay on plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Scripts, styles, images and fonts come from this site only: no inline script or style, no CDN.
# Charts are inline SVG whose colours are attributes, which the policy does not touch; data:
# images are the icons the admin's and Swagger UI's style sheets embed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],  # scans are shown beside the protocol form in a frame
    }
}
# Five wrong passwords for one username from one client address (the trusted one, see
# TRUSTED_PROXIES) lock that pair out for 30 minutes; others, and the same login elsewhere,
# still sign in. From LOCKOUT_EXEMPT_NETWORKS (the CEC's own, e.g. 10.20.0.0/16) a login is
# never locked out, so no outsider can keep the CEC from signing in.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "common.clients.client_address"
AXES_WHITELIST_CALLABLE = "common.clients.lockout_exempt"
try:
    LOCKOUT_EXEMPT_NETWORKS = [
        ip_network(network, strict=False)
        for network in env.list("LOCKOUT_EXEMPT_NETWORKS", default=[])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"LOCKOUT_EXEMPT_NETWORKS: {exc}") from exc
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner at every start; each failure is still logged
# A staff or observer session ends after half an hour without a request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True

# JSON lines for the log pipeline in production (state changes and task runs carry their fields,
# see common/events.py); plain text when developing.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "common.events.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per task run is noise at 50,000 protocols a night; failures still show.
        "celery.app.trace": {"level": "WARNING"},
        # State changes and task runs (common/events.py) are for the log pipeline: in JSON, with
        # their fields. A developer's console (text) would only scroll with their names.
        "saylau.events": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
