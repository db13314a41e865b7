"""Partner CRM: the application factory."""
import os
from pathlib import Path

from flask import Flask

from crm.config import CONFIGS, PROJECT_ROOT
from crm.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from crm.core.i18n import CatalogueRequest

    app.request_class = CatalogueRequest  # WTForms' messages' catalogue read once per language
    env_name = (config or {}).get("ENV_NAME") or os.environ.get("CRM_ENV", "production")
    app.config.from_object(CONFIGS.get(env_name, CONFIGS["production"]))
    app.config.update(config or {})
    _require_secret_key(app)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    from crm.core.security import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter  # before any route is added
    _register_blueprints(app)

    from crm.core import errors, logging, security, submissions, templating

    logging.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    submissions.init_app(app)
    templating.init_app(app)

    from crm.cli import register_cli

    register_cli(app)
    return app


def _require_secret_key(app: Flask) -> None:
    key_file = Path(app.instance_path) / "secret_key"
    if not app.config.get("SECRET_KEY") and key_file.is_file():
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it in the environment (a long random string, e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`), or put it in "
            "instance/secret_key (`make run` generates that file on first start)."
        )


def _init_extensions(app: Flask) -> None:
    import crm.models  # noqa: F401  (every table registered before anything queries)
    from crm.audit.recorder import register_audit_hook
    from crm.core import database
    from crm.core.i18n import select_locale, select_timezone
    from crm.partners.search_index import register_search_index
    from crm.interactions.last_contact import register_last_contact_hook
    from crm.reports.summary import register_summary_hook

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    register_audit_hook()
    register_search_index()
    register_last_contact_hook()
    register_summary_hook()


def _register_blueprints(app: Flask) -> None:
    # Each domain's views module holds its blueprint; package __init__ files stay empty, so
    # that importing one domain's models never drags in another domain's views.
    from crm.agreements.views import bp as agreements
    from crm.auth.views import bp as auth
    from crm.calendar.views import bp as calendar
    from crm.core.health import bp as health
    from crm.dashboard.views import bp as dashboard
    from crm.followups.views import bp as followups
    from crm.imports.views import bp as imports
    from crm.interactions.views import bp as interactions
    from crm.outcomes.views import bp as outcomes
    from crm.partners.views import bp as partners
    from crm.reports.views import bp as reports
    from crm.schools.views import bp as schools
    from crm.proposals.views import bp as proposals
    from crm.search.views import bp as search
    from crm.consortia.views import bp as consortia
    from crm.experts.views import bp as experts
    from crm.programmes.views import bp as programmes
    from crm.renewals.views import bp as renewals
    from crm.trips.views import bp as trips
    from crm.visits.views import bp as visits

    for blueprint in (health, auth, dashboard, partners, agreements, interactions, followups, proposals, calendar, search,
                      outcomes, reports, schools, consortia, experts, programmes, renewals, trips, visits, imports):
        app.register_blueprint(blueprint)
