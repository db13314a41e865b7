"""The change history names every field of a trip, a visit, an expert, a programme, a
consortium, a school and a user in words (in Chinese on a Chinese page), never as the raw column
name ("purpose kind", "name zh")."""
import pytest

from crm.audit.labels import field_label
from crm.core.models import Audited
from crm.extensions import db

DOMAINS = ("crm.trips.models", "crm.visits.models", "crm.experts.models", "crm.programmes.models", "crm.consortia.models",
           "crm.schools.models", "crm.auth.models")
UNSHOWN = {"id", "version", "created_at", "updated_at", "archived_at"}


def audited_columns():
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__module__ in DOMAINS and issubclass(mapper.class_, Audited):
            for column in mapper.columns:
                if column.key not in UNSHOWN:
                    yield mapper.local_table.name, column.key


def test_every_field_of_these_domains_has_a_name_in_the_history(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        raw = [(table, field) for table, field in audited_columns() if field_label(field, table) == field.replace("_", " ")]
    assert raw == []


@pytest.mark.parametrize(("table", "field", "name"), [
    ("trip", "purpose", "出访任务与目的"), ("visit", "purpose", "来访任务与目的"),
    ("trip_leg", "arrive_on", "起始日期"), ("visit", "arrive_on", "抵达日期"), ("trip", "purpose_kind", "事由"),
])
def test_a_field_named_alike_in_two_tables_gets_each_tables_name(app, table, field, name):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert field_label(field, table) == name


@pytest.mark.parametrize(("table", "name"), [("trip", "计划年度"), ("programme_enrolment", "招生年份"), ("outcome", "年份")])
def test_a_year_is_named_for_what_it_is_in_each_table(app, table, name):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert field_label("year", table) == name
