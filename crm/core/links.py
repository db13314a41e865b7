"""Absolute links for what leaves the site (e-mails), built from the `BASE_URL` setting.

There is no request when cron runs `flask reminders send`, so the address people open the app
at must be configured: `BASE_URL=https://crm.example.edu.cn` (a path prefix is kept too).

    external_url("agreements.show", agreement_id=9)  →  "https://crm.example.edu.cn/agreements/9"
"""
from urllib.parse import urlsplit

from flask import current_app


def base_url() -> str | None:
    return (current_app.config.get("BASE_URL") or "").strip().rstrip("/") or None


def external_url(endpoint: str, **values) -> str | None:
    """The absolute URL of an endpoint under BASE_URL, or None when BASE_URL is not set."""
    base = base_url()
    if base is None:
        return None
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
