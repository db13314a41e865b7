"""One page and one htmx fragment for each error status; a 500 rolls back."""
from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, SecurityError

from crm.core.database import is_busy_error
from crm.extensions import db

RETRY_AFTER_BUSY_SECONDS = 5

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    403: (_l("Not allowed"), _l("Your role does not allow this. Ask an administrator if you need it.")),
    404: (_l("Not found"), _l("There is nothing here. It may have been archived or never existed.")),
    405: (_l("Not allowed"), _l("This address does not take that kind of request.")),
    409: (_l("Changed by someone else"), _l("This record was changed after you opened it. Nothing was saved.")),
    413: (_l("Too large"), _l("What you sent is larger than allowed. Try a smaller file.")),
    422: (_l("Check your input"), _l("Some of what you entered is not valid.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. Nothing was saved. If it happens again, tell an administrator the request id.")),
    503: (_l("Busy"), _l("The database is busy. Nothing was saved. Try again in a few seconds.")),
}


class StaleEdit(Exception):
    """Saving over a newer version: answer 409 with both versions and overwrite nothing."""

    def __init__(self, record, yours: dict[str, object], labels: dict[str, str] | None = None,
                 current: dict[str, object] | None = None):
        super().__init__(f"stale edit of {record!r}")
        self.record = record
        self.yours = yours
        self.labels = labels or {}
        self.current = current  # the saved values as shown; None: read from the record


def render_error(status: int, description: str | None = None, title: str | None = None, **context):
    default_title, message = MESSAGES.get(status, MESSAGES[500])
    title = title or default_title
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    response = render_template(
        template,
        status=status,
        title=title,
        message=description or message,
        request_id=g.get("request_id"),
        **context,
    )
    return response, status


def init_app(app: Flask) -> None:
    def handle_http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            db.session.rollback()
        response = app.make_response(render_error(error.code, _own_description(error)))
        if error.code == 429:
            response.headers.setdefault("Retry-After", str(_retry_after(error)))
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    def handle_untrusted_host(error: SecurityError):
        # The request has no usable URL adapter here, so no template with links can render.
        app.logger.warning("refused: untrusted host")
        return app.response_class("Bad request: unknown host.", status=400, mimetype="text/plain")

    def handle_csrf(error: CSRFError):
        app.logger.warning("refused: CSRF %s", error.description)
        return render_error(400, str(_l("The form had expired or was not sent from this site. Reload the page and try again.")))

    def handle_stale(error: StaleEdit):
        db.session.rollback()
        current = error.current if error.current is not None else {field: getattr(error.record, field, None) for field in error.yours}
        return render_error(409, record=error.record, yours=error.yours, current=current, labels=error.labels)

    def handle_stale_data(error: StaleDataError):
        db.session.rollback()
        return render_error(409)

    def handle_operational(error: OperationalError):
        db.session.rollback()
        if is_busy_error(error.orig):  # SQLite's busy timeout, PostgreSQL's lock/statement timeouts
            response = app.make_response(render_error(503))
            response.headers["Retry-After"] = str(RETRY_AFTER_BUSY_SECONDS)
            return response
        app.logger.exception("database error")
        return render_error(500)

    def handle_unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_error(500)

    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(StaleEdit, handle_stale)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(OperationalError, handle_operational)
    app.register_error_handler(Exception, handle_unexpected)


def _own_description(error: HTTPException) -> str | None:
    """Our own abort(…, description) messages are shown; werkzeug's English defaults are not."""
    default = type(error).description
    return None if error.description == default else error.description


def _retry_after(error: HTTPException) -> int:
    if isinstance(getattr(error, "retry_after", None), int):  # e.g. the per-account login lockout
        return error.retry_after
    limit = getattr(error, "limit", None)
    if limit is not None:
        try:
            return int(limit.limit.get_expiry())
        except Exception:  # pragma: no cover - Flask-Limiter internals differ between versions
            pass
    return 60
