from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from crm.core.blocks import block_or_page
from crm.core.dates import office_today
from crm.dashboard.queries import dashboard_for, my_counts, office_for, watch_for
from crm.extensions import htmx

bp = Blueprint("dashboard", __name__)

COUNTS_ID = "my-day-counts"
WATCH_ID = "home-watch"
OFFICE_ID = "home-office"


@bp.get("/")
def home():
    return render_template("dashboard/home.html", dashboard=dashboard_for(current_user, office_today()))


@bp.get("/home/counts")
def counts():
    """The "my day" counters, refreshed when a follow-up changed on the page (followUpsChanged)."""
    if htmx.target != COUNTS_ID:
        return redirect(url_for(".home"), 303)
    return render_template("dashboard/_my_counts.html", counts=my_counts(current_user, office_today()))


@bp.get("/home/watch")
def watch():
    """The user's partners gone quiet and other deadlines: the home page's block once it comes
    into view (htmx), or a page of its own (its link without JavaScript)."""
    return block_or_page("dashboard/_watch.html", "dashboard/watch.html", WATCH_ID, watch=watch_for(current_user, office_today()))


@bp.get("/home/office")
def office():
    """The office-wide figures and charts: the home page's block once it comes into view (htmx),
    or a page of its own (its link without JavaScript)."""
    office_figures = office_for(current_user, office_today())
    return block_or_page("dashboard/_office.html", "dashboard/office.html", OFFICE_ID, office=office_figures)
