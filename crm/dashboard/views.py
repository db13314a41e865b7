from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from crm.dashboard.queries import dashboard_for, my_counts, office_for, watch_for
from crm.extensions import htmx

bp = Blueprint("dashboard", __name__)

COUNTS_ID = "my-day-counts"
WATCH_ID = "home-watch"
OFFICE_ID = "home-office"


@bp.get("/")
def home():
    return render_template("dashboard/home.html", dashboard=dashboard_for(current_user, date.today()))


@bp.get("/home/counts")
def counts():
    """The "my day" counters, refreshed when a follow-up changed on the page (followUpsChanged)."""
    if htmx.target != COUNTS_ID:
        return redirect(url_for(".home"), 303)
    return render_template("dashboard/_my_counts.html", counts=my_counts(current_user, date.today()))


@bp.get("/home/watch")
def watch():
    """The user's partners gone quiet and other deadlines: the home page's block once it comes
    into view (htmx), or a page of its own (its link without JavaScript)."""
    context = {"watch": watch_for(current_user, date.today())}
    template = "dashboard/_watch.html" if htmx.target == WATCH_ID else "dashboard/watch.html"
    return render_template(template, **context), 200, {"Vary": "HX-Request, HX-Target"}


@bp.get("/home/office")
def office():
    """The office-wide figures and charts: the home page's block once it comes into view (htmx),
    or a page of its own (its link without JavaScript)."""
    context = {"office": office_for(current_user, date.today())}
    template = "dashboard/_office.html" if htmx.target == OFFICE_ID else "dashboard/office.html"
    return render_template(template, **context), 200, {"Vary": "HX-Request, HX-Target"}
