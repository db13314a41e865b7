"""Small wrong answers of issue 10: one charset on CSV downloads; backups that never collide."""
from datetime import UTC, datetime

import pytest

from crm.auth.models import Role


@pytest.mark.parametrize("path", ["/agreements/export.csv", "/partners/export.csv", "/partners/{pid}/contacts/export.csv"])
def test_a_csv_download_names_its_charset_once(client, auth, factory, path):
    partner_id = factory.partner()
    auth.login(Role.VIEWER)
    response = client.get(path.format(pid=partner_id))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_two_backups_in_the_same_second_go_to_two_folders(app, tmp_path, factory, monkeypatch):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump")
    import crm.core.backup as backup

    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 30, 4, 0, 0, tzinfo=UTC)

    monkeypatch.setattr(backup, "datetime", FrozenClock)
    factory.partner(name="Hiroshima University", country="JP")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["backup", str(tmp_path / "backups")])
    second = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    folders = sorted((tmp_path / "backups").iterdir())
    assert [folder.name for folder in folders] == ["crm-20261130T040000Z", "crm-20261130T040000Z-2"]
    assert all((folder / "crm.sqlite3").is_file() for folder in folders)
