"""What a list formats once per language (dates, enum labels, the locale code) stays right when
languages alternate in one process."""
from datetime import date, datetime

from flask_babel import force_locale

from crm.core.i18n import country_name, current_locale_code
from crm.core.templating import local_date
from crm.partners.models import PartnerStatus


def test_dates_labels_and_country_names_follow_the_language_each_time(app):
    day = date(2026, 3, 5)
    with app.test_request_context("/"):
        for _ in range(2):  # the second round is served by the caches
            with force_locale("en"):
                assert (local_date(day), current_locale_code(), country_name("DE")) == ("5 Mar 2026", "en", "Germany")
                english = PartnerStatus.ACTIVE.label
            with force_locale("zh_CN"):
                assert (local_date(day), current_locale_code(), country_name("DE")) == ("2026年3月5日", "zh_CN", "德国")
                chinese = PartnerStatus.ACTIVE.label
            assert english == "Active" and chinese != english


def test_a_date_time_is_shown_as_its_local_day(app):
    with app.test_request_context("/"), force_locale("en"):
        # 23:30 UTC is the next morning in the office's time zone (Asia/Shanghai by default).
        assert local_date(datetime(2026, 3, 5, 23, 30)) == local_date(date(2026, 3, 6))
        assert local_date(None) == ""


def test_a_request_finds_its_catalogue_once_and_follows_a_forced_or_refreshed_language(app, monkeypatch):
    """crm/core/i18n.py RequestDomain: the catalogue is looked up once per request and language,
    and strings still follow force_locale and refresh()."""
    from flask_babel import Domain, force_locale, gettext, refresh

    lookups = []
    original = Domain.get_translations
    monkeypatch.setattr(Domain, "get_translations", lambda self: lookups.append(1) or original(self))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [gettext("Partners") for _ in range(5)] == ["Partners"] * 5
        assert len(lookups) == 1
        with force_locale("zh_CN"):
            assert gettext("Partners") == "合作伙伴"
        assert gettext("Partners") == "Partners"
        app.jinja_env.from_string("{{ _('Partners') }}").render()
        assert len(lookups) == 3
        refresh()
        assert gettext("Partners") == "Partners"
        assert len(lookups) == 4


def test_wtforms_own_messages_come_in_the_request_language_from_a_catalogue_read_once(app, monkeypatch):
    """crm/core/i18n.py CatalogueRequest: Flask-WTF's catalogue of WTForms' messages is read
    from disk once per language, not in every request, and still follows the language."""
    from babel import support
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import DataRequired

    from crm.core.i18n import _wtforms_catalogue

    class Required(FlaskForm):
        class Meta:
            csrf = False

        name = StringField("Name", validators=[DataRequired()])

    _wtforms_catalogue.cache_clear()
    loads = []
    original = support.Translations.load
    monkeypatch.setattr(support.Translations, "load", lambda *a, **k: loads.append(a) or original(*a, **k))
    errors = {}
    for language in ("zh-CN", "zh-CN", "en", "en", "zh-CN"):
        with app.test_request_context(method="POST", data={}, headers={"Accept-Language": language}):
            form = Required()
            form.validate()
            errors.setdefault(language, set()).add(form.name.errors[0])
    assert errors == {"en": {"This field is required."}, "zh-CN": {"该字段是必填字段。"}}
    assert len(loads) == 2
