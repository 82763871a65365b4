"""Compagnons settings: one file, driven by environment variables.

Every variable is listed, with its default, in docs/environment.md and in the README.
Development (`make run`) needs none of them; production sets at least
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, SITE_URL and DATABASE_URL.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.object_storage import storages_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Set by tests/pytest_env.py before Django loads.
TESTING = env_bool("COMPAGNONS_TESTING")
DEBUG = env_bool("DEBUG", False)

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-development-only-never-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")

# The address of the site as people reach it: used for absolute links outside a request
# (e-mails sent by the worker, QR codes, credentials). `make run PORT=…` sets it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site_host = urlsplit(SITE_URL).hostname or "127.0.0.1"

# SITE_URL's host, the other sites' hosts (env ALLOWED_HOSTS, docs/sites.md) and, in development, the local ones.
# Never "*": a host with no site row is served as the default site, so only listed hosts may reach it.
ALLOWED_HOSTS = list(
    dict.fromkeys(
        [_site_host, *env_list("ALLOWED_HOSTS")]
        + (["127.0.0.1", "localhost", "[::1]", "testserver"] if (DEBUG or TESTING) else [])
    )
)
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS ne doit jamais contenir « * » : listez les hôtes des sites.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "compagnons.core",
    "compagnons.accounts",
    "compagnons.skills",
    "compagnons.ledger",
    "compagnons.apprenticeship",
    "compagnons.missions",
    "compagnons.coaching",
    "compagnons.community",
    "compagnons.credentials",
    "compagnons.certification",
    "compagnons.funding",
    "compagnons.showcase",
    "compagnons.learning",
    "compagnons.outcomes",
    "compagnons.quality",
    "compagnons.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "compagnons.core.middleware.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "compagnons.accounts.middleware.IdleSessionMiddleware",
    "compagnons.accounts.middleware.StaffMFAMiddleware",
    "compagnons.accounts.middleware.CharterMiddleware",
]
if env_bool("QUERY_COUNT_HEADER"):
    # Benchmark only: adds X-Query-Count to every response (bench/run.py reads it).
    MIDDLEWARE.insert(0, "compagnons.core.middleware.QueryCountHeaderMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "compagnons.core.context_processors.site",
            ],
            # An unknown variable in a template fails the tests instead of rendering nothing.
            "string_if_invalid": "INVALID_TEMPLATE_VARIABLE %s" if TESTING else "",
        },
    }
]

# Django's form templates, the most used ones written in Python (byte for byte the same HTML; core/renderer.py).
FORM_RENDERER = "compagnons.core.renderer.QuickRenderer"

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'compagnons.sqlite3'}")
# The planner's cost of reading a page out of order, relative to in order: PostgreSQL's default (4) models a
# spinning disk; on an SSD, or data that fits in memory, 1.1 is the usual setting. With 4 the directory's search
# read all 20,000 published pages (a sequential scan and a hash join, 11 ms at 100,000 members) rather than look
# up the 1,200 its words match through their index (3 ms). Sent at connection time, never a query more.
try:
    PG_OPTIONS = f"-c random_page_cost={float(env('PG_RANDOM_PAGE_COST', '1.1'))}"
except ValueError:
    raise ImproperlyConfigured("PG_RANDOM_PAGE_COST must be a number (1.1 on an SSD).") from None
# Persistent connections: one per serving thread. gunicorn's sync workers are a bounded number (workers × threads ≤
# PostgreSQL's max_connections); the threaded development server opens a thread per request, each keeping its
# connection for CONN_MAX_AGE: a burst of requests would exhaust the server. So 0 (close after each request) with DEBUG.
# SQLite too: a new connection reads the whole schema (567 tables, indexes and triggers) before its first statement,
# 3 ms, more than a cached page takes to serve (issue 21); a kept connection holds no lock between requests.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if TESTING:  # the browser tests' live server answers each request in a new thread, as runserver does
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process and the worker read while the other writes.
        # cache_size: each connection keeps this many KiB of pages (SQLite's default, 2 MB, re-read from the operating
        # system the member rows a directory search visits: 18 → 8 ms for 2,500 matches at 100,000 members).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
        f"PRAGMA cache_size=-{env_int('SQLITE_CACHE_KB', 16_000)};",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME") or None}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for the reporting pages (compagnons/core/replica.py); the primary stays the only one written.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # before any `options` of the URL's own (?options=-c…): the last one given wins
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{PG_OPTIONS} {_options.get('options', '')}".strip()
DATABASE_ROUTERS = ["compagnons.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, charter version) -------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
            # a panel per member (core.fragments): the default 300 entries would cull them all the time
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 300_000)},
        }
    }
# Cached fragments under the versions of the tables they read (compagnons/core/fragments.py): « Mon espace »'s
# panels, public pages' bodies. Off in the tests (their transactions never commit); its own tests turn it on.
FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", not TESTING)
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 300)

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, with the member of each signed-in request read by SQL compiled once (issue 21)
    "compagnons.accounts.backends.ModelBackend",
    "compagnons.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_FORMS = {"signup": "compagnons.accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "compagnons.accounts.adapter.AccountAdapter"  # the sender of the request's site
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Compagnons] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
# Rate limits (allauth, backed by the cache): failed logins per IP and per account, and more.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Compagnons"
MFA_RECOVERY_CODE_COUNT = 10

# --- Security ---------------------------------------------------------------------------
# Sessions in the database, read through the cache (one cache read a request instead of an ORM query: issue 21);
# written to both, so that a cache emptied or culled loses none.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# A session ends after this long without a request (accounts.middleware.IdleSessionMiddleware); the team must have
# double authentication (StaffMFAMiddleware; off in the test settings except in the tests of the rule itself).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 120)
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", not TESTING)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _https)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", _https)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https and not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https and not DEBUG else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _https and not DEBUG)
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    # Rate limits count per client IP: trust the X-Forwarded-For entries added by our own proxies.
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)

# Content Security Policy: no inline script or style without the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "compagnons" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Files only their owners may see (evidence): never served as /media/, only through views that check rights.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "compagnons.core.storage.WholeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Private files (evidence, deliveries…): this alias, through `core.storage.private_storage`; served only by views.
STORAGES["private"] = {"BACKEND": "compagnons.core.storage.PrivateFileSystemStorage"}
# Object storage (S3-compatible, django-storages) for the media and the private files when S3_BUCKET is set.
STORAGES.update(storages_from_env(os.environ) or {})
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# --- E-mail -----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Compagnons <ne-pas-repondre@compagnons.example>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    _default_port = {"smtps": 465, "smtp+tls": 587}.get(_mail.scheme, 25)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _mail.hostname or "localhost",
                "port": _mail.port or _default_port,
                "username": unquote(_mail.username or ""),
                "password": unquote(_mail.password or ""),
                "use_tls": _mail.scheme == "smtp+tls",
                "use_ssl": _mail.scheme == "smtps",
                "timeout": 20,
            },
        }
    }
else:
    # Development: one .eml file per message in var/mail/, and a copy on the console.
    MAILERS = {
        "default": {
            "BACKEND": "compagnons.core.mail.DevelopmentEmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# --- Background tasks ---------------------------------------------------------------------
TASKS = {
    "default": (
        {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        if TESTING
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    )
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMINS = env_list("ADMINS")

# --- Platform policy ------------------------------------------------------------------
# How long the audit log keeps its entries (security logs: the CNIL recommends 6 months to 1 year).
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 365)
# The path: how many apprentices a compagnon follows unless they say otherwise; days without activity before an
# apprentice is flagged and reminded (drop-out prevention, Qualiopi 12); the largest evidence file accepted.
DEFAULT_MENTOR_CAPACITY = env_int("DEFAULT_MENTOR_CAPACITY", 2)
INACTIVITY_ALERT_DAYS = env_int("INACTIVITY_ALERT_DAYS", 21)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Learning: the share of right answers (%) that passes a capsule's quiz.
LEARNING_QUIZ_PASS_PERCENT = env_int("LEARNING_QUIZ_PASS_PERCENT", 80)
# The mission bank: the fair-rate floor (25 €/h: about the minimum wage once an independent's charges and unbilled
# time are paid), the cap on open applications, the obligation de vigilance threshold, the delays of automatic
# acceptance and of hidden testimonials, and how many best matches each new mission is announced to.
MISSION_HOURLY_FLOOR_CENTS = env_int("MISSION_HOURLY_FLOOR_CENTS", 2500)
MAX_OPEN_APPLICATIONS = env_int("MAX_OPEN_APPLICATIONS", 5)
VIGILANCE_THRESHOLD_CENTS = env_int("VIGILANCE_THRESHOLD_CENTS", 500_000)
DELIVERY_AUTO_ACCEPT_DAYS = env_int("DELIVERY_AUTO_ACCEPT_DAYS", 14)
TESTIMONIAL_WINDOW_DAYS = env_int("TESTIMONIAL_WINDOW_DAYS", 14)
DIGEST_MATCHES_PER_MISSION = env_int("DIGEST_MATCHES_PER_MISSION", 20)
# Coaching: how late a member may cancel (hours), how many open bookings a member holds, how long before a slot
# booking closes (minutes); the visio link built for a remote slot ({room}: a random, unguessable id).
COACHING_CANCEL_DEADLINE_HOURS = env_int("COACHING_CANCEL_DEADLINE_HOURS", 24)
COACHING_MAX_OPEN_BOOKINGS = env_int("COACHING_MAX_OPEN_BOOKINGS", 3)
COACHING_BOOKING_CLOSE_MINUTES = env_int("COACHING_BOOKING_CLOSE_MINUTES", 60)
COACHING_VISIO_URL_TEMPLATE = env("COACHING_VISIO_URL_TEMPLATE", "https://meet.jit.si/compagnons-{room}")
# Contreparties (minutes, never euros): what a won mission asks in return, the welcome, the credit for a lead or a
# reading, the balance floor and whether going below it pauses new applications (default: a flag and a kind word).
LEDGER_MISSION_COMMITMENT_MINUTES = env_int("LEDGER_MISSION_COMMITMENT_MINUTES", 60)
LEDGER_WELCOME_MINUTES = env_int("LEDGER_WELCOME_MINUTES", 60)
LEDGER_LEAD_MINUTES = env_int("LEDGER_LEAD_MINUTES", 60)
LEDGER_REVIEW_MINUTES = env_int("LEDGER_REVIEW_MINUTES", 30)
LEDGER_COMMUNITY_ANSWER_MINUTES = env_int("LEDGER_COMMUNITY_ANSWER_MINUTES", 30)
LEDGER_BALANCE_FLOOR_MINUTES = env_int("LEDGER_BALANCE_FLOOR_MINUTES", -180)
LEDGER_PAUSE_APPLICATIONS_BELOW_FLOOR = env_bool("LEDGER_PAUSE_APPLICATIONS_BELOW_FLOOR", False)
# Certification: the delay to appeal a jury decision; where the credentials' private signing keys live (outside the
# database, never served; back this directory up).
APPEAL_DAYS = env_int("APPEAL_DAYS", 30)
CREDENTIALS_KEY_DIR = Path(env("CREDENTIALS_KEY_DIR", str(VAR_DIR / "keys")))
# Operations (docs/operations.md): the passphrase that encrypts the signing keys inside backups (kept apart from the
# archives), the free disk below which /sante/ answers 503, and the worker's heartbeat age that counts as dead.
BACKUP_PASSPHRASE = env("BACKUP_PASSPHRASE")
HEALTH_MIN_FREE_DISK_PERCENT = env_int("HEALTH_MIN_FREE_DISK_PERCENT", 5)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 120)
# A failed background task runs again after 30 s, 2 min, 8 min, 32 min… (× 4), TASK_MAX_ATTEMPTS runs in all.
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 30)
# The base of the credentials' issuer (`<it>/verifier/emetteur`) and of its keys' ids. Empty: SITE_URL (read at use,
# so that it follows SITE_URL). Read through credentials.services.issuer_id() only.
CREDENTIALS_ISSUER_URL = env("CREDENTIALS_ISSUER_URL", "").rstrip("/")
# /verifier/ reads the keys of other issuers' did:web over HTTPS (short timeout, size cap, no redirect, public
# addresses only unless a registered house); off: only our keys, did:key and nothing over the network. Plain HTTP for
# registered houses is for development and the two-instance test only.
CREDENTIALS_RESOLVE_DID_WEB = env_bool("CREDENTIALS_RESOLVE_DID_WEB", False) and not TESTING
CREDENTIALS_DID_WEB_HTTP_HOUSES = env_bool("CREDENTIALS_DID_WEB_HTTP_HOUSES", False)
# Outcomes (follow-up of the people who left the path): how long a personal survey link stays valid, the days
# between an invitation and each of its two reminders, how late a survey may still be sent (older ones are left for
# the team to take by phone), the smallest number of people a public figure may rest on, and whether working abroad
# counts as a job (France Compétences neutralises it unless the trade is international).
OUTCOMES_LINK_DAYS = env_int("OUTCOMES_LINK_DAYS", 60)
OUTCOMES_REMINDER_DAYS = env_int("OUTCOMES_REMINDER_DAYS", 10)
OUTCOMES_SEND_WITHIN_DAYS = env_int("OUTCOMES_SEND_WITHIN_DAYS", 60)
OUTCOMES_PUBLIC_MIN_COUNT = env_int("OUTCOMES_PUBLIC_MIN_COUNT", 10)
OUTCOMES_TRADE_IS_INTERNATIONAL = env_bool("OUTCOMES_TRADE_IS_INTERNATIONAL", False)
# Quality (Qualiopi): satisfaction survey links, their answering window and reminders, the « à froid » delay, how far
# back the first run looks for events to survey, the answer deadline of a complaint and the public form's rate limit.
QUALITY_SURVEY_LINK_DAYS = env_int("QUALITY_SURVEY_LINK_DAYS", 30)
QUALITY_SURVEY_OPEN_DAYS = env_int("QUALITY_SURVEY_OPEN_DAYS", 45)
QUALITY_SURVEY_REMINDER_DAYS = env_int("QUALITY_SURVEY_REMINDER_DAYS", 7)
QUALITY_COLD_SURVEY_DAYS = env_int("QUALITY_COLD_SURVEY_DAYS", 182)
QUALITY_SURVEY_LOOKBACK_DAYS = env_int("QUALITY_SURVEY_LOOKBACK_DAYS", 30)
QUALITY_COMPLAINT_ANSWER_DAYS = env_int("QUALITY_COMPLAINT_ANSWER_DAYS", 15)
QUALITY_COMPLAINTS_PER_IP_PER_HOUR = env_int("QUALITY_COMPLAINTS_PER_IP_PER_HOUR", 5)
# Learning, scenarios: the smallest number of people a count of choices shown to staff may rest on, the minutes a
# mentor's debrief of a run is credited in the ledger, and the largest scenario file staff may upload.
LEARNING_AGGREGATE_MIN_PEOPLE = env_int("LEARNING_AGGREGATE_MIN_PEOPLE", 5)
LEARNING_DEBRIEF_MINUTES = env_int("LEARNING_DEBRIEF_MINUTES", 20)
LEARNING_SCENARIO_MAX_BYTES = env_int("LEARNING_SCENARIO_MAX_BYTES", 256 * 1024)
# Funding, invoices (docs/funding.md): who issues them (the association's identity on every invoice and receipt, and
# in its Factur-X XML), where to pay (the EPC QR code), the payment term, the late-payment rate written on invoices
# (at least three times the legal interest rate, art. L441-10 Code de commerce), the days between two reminders of an
# overdue invoice and how many are sent; the annual membership amounts per category (cents, « category:cents,… »).
INVOICE_ISSUER_NAME = env("INVOICE_ISSUER_NAME", "Association Compagnons")
INVOICE_ISSUER_ADDRESS = env("INVOICE_ISSUER_ADDRESS", "1 rue de l'Atelier")
INVOICE_ISSUER_POSTCODE = env("INVOICE_ISSUER_POSTCODE", "69001")
INVOICE_ISSUER_CITY = env("INVOICE_ISSUER_CITY", "Lyon")
INVOICE_ISSUER_SIRET = env("INVOICE_ISSUER_SIRET", "00000000000000")
INVOICE_ISSUER_VAT_ID = env("INVOICE_ISSUER_VAT_ID", "")
INVOICE_ISSUER_TRAINING_NUMBER = env("INVOICE_ISSUER_TRAINING_NUMBER", "00000000000")
INVOICE_ISSUER_EMAIL = env("INVOICE_ISSUER_EMAIL", "facturation@compagnons.example")
INVOICE_IBAN = env("INVOICE_IBAN", "FR7630006000011234567890189")
INVOICE_BIC = env("INVOICE_BIC", "AGRIFRPP")
INVOICE_PAYMENT_DAYS = env_int("INVOICE_PAYMENT_DAYS", 30)
INVOICE_LATE_RATE = env("INVOICE_LATE_RATE", "trois fois le taux d'intérêt légal")
INVOICE_REMINDER_DAYS = env_int("INVOICE_REMINDER_DAYS", 10)
INVOICE_MAX_REMINDERS = env_int("INVOICE_MAX_REMINDERS", 3)
# Funding, agreements and certificates (docs/funding.md): they name the same issuer as the invoices (above), signed
# for by its legal representative (empty: the team member who signs); whether the BPF's hours-trainees count
# self-study (the capsules finished).
FUNDING_ORG_REPRESENTATIVE = env("FUNDING_ORG_REPRESENTATIVE", "")
FUNDING_BPF_COUNT_SELF_STUDY = env_bool("FUNDING_BPF_COUNT_SELF_STUDY", False)
MEMBERSHIP_FEES = {
    name.strip(): int(cents)
    for name, _, cents in (
        item.partition(":") for item in env_list("MEMBERSHIP_FEES", "individuelle:2000,solidaire:500,structure:10000")
    )
}
# The API (/api/v1/, docs/api.md): requests per window per client IP and per personal access token (429 with
# Retry-After beyond), the largest page a list returns, the longest a personal access token may live.
API_RATE_LIMIT_WINDOW_SECONDS = env_int("API_RATE_LIMIT_WINDOW_SECONDS", 60)
API_RATE_LIMIT_PER_IP = env_int("API_RATE_LIMIT_PER_IP", 120)
API_RATE_LIMIT_PER_TOKEN = env_int("API_RATE_LIMIT_PER_TOKEN", 300)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
