from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from crm.extensions import db

bp = Blueprint("health", __name__)  # what answers without a login: the health check, the icon


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up")


@bp.get("/favicon.ico")
def favicon():
    """Pages link static/favicon.svg; browsers and other clients still ask /favicon.ico first."""
    return current_app.send_static_file("favicon.svg")
