"""Defaults only. Secrets and the database URL come from the environment."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] or None


def database_url() -> str:
    return normalise_database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'crm.sqlite3'}")


def normalise_database_url(url: str) -> str:
    """psycopg 3 is the PostgreSQL driver; accept the common spellings of the URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
    # SQLite reads the database file through a memory map of up to this size: the pages come from
    # the operating system's cache, shared by every connection, instead of a copy into each
    # connection's own 2 MB page cache. A search reads more than 2 MB (the trigram index, a page
    # of partners, their documents), and with the default cache each request read them again
    # (the partner search's statements took about half again as long). Memory is only used as
    # pages are read; 0 turns it off.
    SQLITE_MMAP_SIZE_MB = int(os.environ.get("SQLITE_MMAP_SIZE_MB", "256"))
    # PostgreSQL: a write waits at most this long for a lock, and no statement runs longer than
    # the second (kept below gunicorn's 30 s worker timeout); either answers 503 with Retry-After.
    PG_LOCK_TIMEOUT_MS = int(os.environ.get("PG_LOCK_TIMEOUT_MS", "5000"))
    PG_STATEMENT_TIMEOUT_MS = int(os.environ.get("PG_STATEMENT_TIMEOUT_MS", "20000"))
    # psycopg prepares a statement once a connection has run it this many times, and keeps up to
    # PG_PREPARED_MAX of them (crm/core/database.py: a reading request keeps them)
    PG_PREPARE_THRESHOLD = int(os.environ.get("PG_PREPARE_THRESHOLD", "5"))
    PG_PREPARED_MAX = int(os.environ.get("PG_PREPARED_MAX", "100"))

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(INSTANCE_DIR / "uploads")
    MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "20"))
    MAX_CONTENT_LENGTH = (MAX_UPLOAD_MB + 1) * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    # Foreign experts' permits and joint programmes' approvals (crm/experts, crm/programmes):
    # the extension is filed this many days before expiry, with a second warning; passport
    # numbers are stored only when the office turns it on.
    PERMIT_LEAD_DAYS = int(os.environ.get("PERMIT_LEAD_DAYS", "90"))
    PERMIT_SECOND_WARNING_DAYS = int(os.environ.get("PERMIT_SECOND_WARNING_DAYS", "45"))
    APPROVAL_LEAD_DAYS = int(os.environ.get("APPROVAL_LEAD_DAYS", "180"))
    APPROVAL_SECOND_WARNING_DAYS = int(os.environ.get("APPROVAL_SECOND_WARNING_DAYS", "90"))
    STORE_PASSPORT_NUMBERS = _flag("STORE_PASSPORT_NUMBERS")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_FROM = os.environ.get("MAIL_FROM", "partner-crm@localhost")

    # The address people open the app at, for links in e-mails (no request there to take it from).
    BASE_URL = os.environ.get("BASE_URL")
    # The office's own name, shown on the login page and in e-mails; in Chinese OFFICE_NAME_ZH.
    OFFICE_NAME = os.environ.get("OFFICE_NAME") or "Department of International Affairs"
    OFFICE_NAME_ZH = os.environ.get("OFFICE_NAME_ZH") or "国际交流与合作处"

    TRUSTED_HOSTS = _list("TRUSTED_HOSTS")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Production serves over HTTPS behind a proxy; `make run` (plain HTTP on loopback) sets
    # SECURE_COOKIES=0.
    SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES", default=True)
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("CRM_TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    LANGUAGES = ["en", "zh_CN"]

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "50 per 15 minutes")

    # Passwords: werkzeug's scrypt (N=2**15, r=8, p=1) unless the testing configuration says otherwise.
    PASSWORD_HASH_METHOD = "scrypt"

    PAGE_SIZE = 50
    # A partner has gone quiet after this many days without a contact, a signed agreement or a
    # proposal step (home page, partner list filter, reminder digest: crm/partners/activity.py).
    QUIET_AFTER_DAYS = int(os.environ.get("QUIET_AFTER_DAYS", "180"))
    # The office's report year: "academic" (from 1 September, 2025-2026) or "calendar".
    REPORT_YEAR_KIND = os.environ.get("REPORT_YEAR_KIND", "academic")

    # Delegations: deadlines in working days by the Chinese calendar (crm/core/workdays.py).
    TRIP_NOTICE_WORKDAYS = int(os.environ.get("TRIP_NOTICE_WORKDAYS", "5"))  # 公示 before departure
    TRIP_PASSPORT_WORKDAYS = int(os.environ.get("TRIP_PASSPORT_WORKDAYS", "5"))  # passports back after return
    TRIP_REPORT_WORKDAYS = int(os.environ.get("TRIP_REPORT_WORKDAYS", "5"))  # 出访报告 after return
    VISIT_RECORD_WORKDAYS = int(os.environ.get("VISIT_RECORD_WORKDAYS", "5"))  # 纪要 after a visit
    TRIP_APPROVER_ABROAD = os.environ.get("TRIP_APPROVER_ABROAD", "")
    TRIP_APPROVER_HMT = os.environ.get("TRIP_APPROVER_HMT", "")
    STORE_PASSPORT_NUMBERS = _flag("STORE_PASSPORT_NUMBERS")
    WORKDAY_EXTRA_HOLIDAYS = os.environ.get("WORKDAY_EXTRA_HOLIDAYS", "")
    WORKDAY_EXTRA_WORKDAYS = os.environ.get("WORKDAY_EXTRA_WORKDAYS", "")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    SECRET_KEY = os.environ.get("SECRET_KEY") or "development-only-not-secret"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SESSION_COOKIE_SECURE = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # the test fixtures give each test its own database
    WTF_CSRF_ENABLED = True
    IMPORT_RUN_INLINE = True  # import steps run inside the request (crm/imports/jobs.py)
    # Still scrypt, at a tiny cost: full-strength scrypt took about a quarter of the suite's time
    # (the fixtures create and log in a user in most tests). test_accounts checks production's.
    PASSWORD_HASH_METHOD = "scrypt:128:8:1"  # the smallest N OpenSSL accepts with werkzeug's maxmem


CONFIGS = {
    "development": DevelopmentConfig,
    "production": Config,
    "testing": TestingConfig,
}
