"""`flask users …` and `flask setup`: the contract scripts rely on."""
import pytest

from crm.auth.models import Role, User
from crm.extensions import db


def test_users_create_reads_the_password_from_stdin(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "li.wei@cqipc.edu.cn", "--name", "Li Wei", "--role", "staff", "--password-stdin"],
        input="plum blossom river\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(User).filter_by(email="li.wei@cqipc.edu.cn").one()
        assert user.role == Role.STAFF and user.check_password("plum blossom river")


def test_users_create_refuses_a_common_password_and_a_duplicate(app, make_user):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "create", "a@cqipc.edu.cn", "--name", "A", "--password-stdin"], input="password\n")
    assert weak.exit_code != 0 and "refused" in weak.output
    existing = make_user()
    duplicate = runner.invoke(args=["users", "create", existing.email, "--name", "B", "--password-stdin"], input="plum blossom river\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output


def test_set_password_and_deactivate(app, make_user):
    user = make_user()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "set-password", user.email, "--password-stdin"], input="bamboo forest path\n").exit_code == 0
    assert runner.invoke(args=["users", "deactivate", user.email]).exit_code == 0
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.check_password("bamboo forest path") and not stored.active
        assert stored.session_token != user.session_token


def test_deactivate_refuses_the_last_active_administrator_as_the_admin_page_does(app, make_user):
    admin = make_user(Role.ADMIN, email="admin@cqipc.edu.cn")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["users", "deactivate", admin.email])
    assert refused.exit_code != 0 and "last active administrator" in refused.output
    with app.app_context():
        assert db.session.get(User, admin.id).active
    make_user(Role.ADMIN, email="second.admin@cqipc.edu.cn")
    assert runner.invoke(args=["users", "deactivate", admin.email]).exit_code == 0
    with app.app_context():
        assert not db.session.get(User, admin.id).active


def test_setup_creates_one_admin_with_a_random_password_printed_once(app, monkeypatch):
    monkeypatch.setattr("crm.demo.loader.load_demo", lambda: {"partners": 0})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["setup", "--no-demo"])
    assert first.exit_code == 0
    password = next(line.split(":", 1)[1].strip() for line in first.output.splitlines() if "password:" in line)
    assert len(password) >= 12
    second = runner.invoke(args=["setup", "--no-demo"])
    assert password not in second.output
    with app.app_context():
        admins = db.session.query(User).filter_by(role=Role.ADMIN).all()
        assert len(admins) == 1 and admins[0].check_password(password)


@pytest.mark.parametrize(("args", "name", "locale"), [
    ([], "管理员", "zh_CN"),  # the office works in Chinese: the admin is not called "Administrator"
    (["--locale", "en"], "Administrator", "en"),
    (["--name", "王芳"], "王芳", "zh_CN"),
])
def test_setup_names_the_first_admin_in_their_language_or_as_asked(app, args, name, locale):
    result = app.test_cli_runner().invoke(args=["setup", "--no-demo", *args])
    assert result.exit_code == 0, result.output
    assert f"name:     {name}" in result.output
    with app.app_context():
        (admin,) = db.session.query(User).filter_by(role=Role.ADMIN).all()
        assert (admin.name, admin.locale) == (name, locale)


def test_backup_writes_a_consistent_copy_that_restores(app, tmp_path, factory):
    import sqlite3

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump")
    factory.partner(name="Hiroshima University", country="JP")
    upload = tmp_path / "uploads" / "signed.pdf"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"%PDF-1.7 test")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "backups").iterdir()
    with sqlite3.connect(folder / "crm.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT name FROM partner").fetchall() == [("Hiroshima University",)]
    assert (folder / "uploads" / "signed.pdf").read_bytes() == b"%PDF-1.7 test"


def test_users_create_gives_a_liaison_their_school_and_refuses_one_without(app):
    from crm.schools.models import School

    with app.app_context():
        school = School(name_zh="机械工程学院", name_en="School of Mechanical Engineering")
        db.session.add(school)
        db.session.commit()
        school_id = school.id
    runner = app.test_cli_runner()
    args = ["users", "create", "zhao@cqipc.edu.cn", "--name", "Zhao", "--role", "liaison", "--password-stdin"]
    without = runner.invoke(args=args, input="plum blossom river\n")
    assert without.exit_code != 0 and "--school" in without.output and "机械工程学院" in without.output
    unknown = runner.invoke(args=[*args, "--school", "School of Nothing"], input="plum blossom river\n")
    assert unknown.exit_code != 0 and "no school named" in unknown.output
    made = runner.invoke(args=[*args, "--school", "school of mechanical engineering"], input="plum blossom river\n")
    assert made.exit_code == 0, made.output
    with app.app_context():
        assert db.session.query(User).filter_by(email="zhao@cqipc.edu.cn").one().school_id == school_id
