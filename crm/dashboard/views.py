from datetime import date

from flask import Blueprint, render_template

from crm.dashboard.queries import home_counts

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home():
    return render_template("dashboard/home.html", counts=home_counts(date.today()))
