"""Failed logins counted per account in the database, shared by every worker and process.

`LOGIN_LIMIT_PER_ACCOUNT` ("10 per 15 minutes") says how many failures an account may have in
the window; one more attempt, even with the right password, answers 429 until the oldest of
them leaves the window. The per-address limit stays with Flask-Limiter (its storage must be
shared between processes in production: see the README). Failures are counted whether the
account exists or not, so the answer tells nothing about which e-mails have accounts.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from limits import parse
from sqlalchemy import delete, func, select

from crm.auth.models import FailedLogin
from crm.core.models import utcnow
from crm.extensions import db


def account_key(email: str | None) -> str:
    return (email or "").strip().lower()[:254]


def _limit() -> tuple[int, timedelta]:
    item = parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])
    return item.amount, timedelta(seconds=item.get_expiry())


def seconds_locked(email: str | None, now: datetime | None = None) -> int:
    """0 when the account may try to log in, else the seconds until it may (for Retry-After)."""
    amount, window = _limit()
    now = now or utcnow()
    count, oldest = db.session.execute(
        select(func.count(FailedLogin.id), func.min(FailedLogin.attempted_at)).where(
            FailedLogin.account == account_key(email), FailedLogin.attempted_at > now - window
        )
    ).one()
    if count < amount:
        return 0
    # Only the newest `amount` failures matter, but the oldest one in the window is a safe bound.
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def record_failure(email: str | None, address: str | None, now: datetime | None = None) -> None:
    """Count one failure and forget the ones that left the window; commits."""
    _amount, window = _limit()
    now = now or utcnow()
    db.session.execute(delete(FailedLogin).where(FailedLogin.attempted_at <= now - window))
    db.session.add(FailedLogin(account=account_key(email), address=(address or "")[:64] or None, attempted_at=now))
    db.session.commit()
