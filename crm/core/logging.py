"""Logs with user, address, route and UTC time; a request id ties a log line to an error page."""
import logging
import secrets
import time

from flask import Flask, g, has_request_context, request


def clean(value: object) -> str:
    """A user-supplied value cannot forge a log line: control characters are escaped."""
    text = str(value)
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)[:300]


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            user = g.get("_login_user")
            record.request_id = g.get("request_id", "-")
            record.user = clean(user.email) if user is not None and user.is_authenticated else "-"
            record.address = clean(request.remote_addr or "-")
            record.route = clean(f"{request.method} {request.path}")
        else:
            record.request_id = record.user = record.address = record.route = "-"
        record.msg = clean(record.msg) if isinstance(record.msg, str) else record.msg
        if record.args:
            record.args = tuple(clean(arg) for arg in record.args) if isinstance(record.args, tuple) else record.args
        return True


class UTCFormatter(logging.Formatter):
    converter = time.gmtime


LOG_FORMAT = "%(asctime)sZ %(levelname)s [%(request_id)s] user=%(user)s addr=%(address)s %(route)s: %(message)s"


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(UTCFormatter(LOG_FORMAT, "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(RequestContextFilter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)
    app.logger.propagate = app.testing  # let pytest's caplog see the lines

    @app.before_request
    def _assign_request_id():
        g.request_id = secrets.token_hex(6)

    @app.after_request
    def _expose_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
