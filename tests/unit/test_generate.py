"""The benchmark generator: deterministic, skewed toward a few countries, several scripts."""
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from crm import create_app
from crm.demo.generate import Sizes, generate
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.partners.models import Partner

SMALL = Sizes(partners=300, countries=40, contacts=600, agreements=400, interactions=2_000, follow_ups=500, proposals=100, users=5)


def _generate(tmp_path, name):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}"})
    with app.app_context():
        db.create_all()
        counts = generate(SMALL, seed=7, today=date(2026, 11, 25))
        partners = db.session.execute(select(Partner.name, Partner.local_name, Partner.country).order_by(Partner.id)).all()
        interactions = db.session.scalar(select(func.count()).select_from(Interaction))
        with pytest.raises(ValueError):
            generate(SMALL)
    return counts, partners, interactions


def test_the_same_seed_gives_the_same_office(tmp_path):
    first = _generate(tmp_path, "a.sqlite3")
    second = _generate(tmp_path, "b.sqlite3")
    assert first == second
    counts, partners, interactions = first
    assert counts["partners"] == 300 and interactions == 2_000


def test_countries_are_skewed_and_names_come_in_several_scripts(tmp_path):
    _counts, partners, _ = _generate(tmp_path, "c.sqlite3")
    by_country = Counter(country for _name, _local, country in partners).most_common()
    assert by_country[0][1] > 5 * by_country[-1][1]
    local_names = [local for _name, local, _c in partners if local]
    assert any("\u4e00" <= ch <= "\u9fff" for name in local_names for ch in name)  # Chinese or Japanese
    assert any("\u0400" <= ch <= "\u04ff" for name in local_names for ch in name) or any(
        "\u0600" <= ch <= "\u06ff" for name in local_names for ch in name
    )
