"""`flask import partners FILE [--dry-run]`: a 10,000-row file checked in well under a minute
with nothing written; the real run writes exactly the new rows, and a second run none.

The dry run's 10,000 rows are the point (the promised size and time). The real runs use 1,200
rows of the same generator: more than two of the commit's 500-row chunks (crm/imports/commit.py),
the last one partial, which is what "exactly the new rows" needs; more rows only cost time."""
import time

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact
from crm.extensions import db
from crm.imports.commit import CHUNK
from crm.imports.models import ImportBatch
from crm.partners.models import Partner

SYLLABLES = ["ba", "ko", "mi", "tu", "re", "sa", "lo", "ni", "ve", "da", "pu", "ge", "ha", "zo", "fi", "ru", "we", "ya", "xi", "qo"]
COUNTRIES = ["Germany", "德国", "DE", "Deutschland", "Australia", "日本", "Malaysia", "France", "Canada", "GB"]


def generated_file(path, rows: int):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("伙伴")
    sheet.append(["名称", "国家", "城市", "联系人", "邮箱", "网站"])
    for i in range(rows):
        sheet.append([f"{made_up_word(i)} College", COUNTRIES[i % len(COUNTRIES)], f"City {i % 50}",
                      f"Person {i}", f"person{i}@college{i}.example.org", f"https://college{i}.example.org"])
    workbook.save(path)
    return path


def made_up_word(number: int) -> str:
    """A different made-up name for each number: 0 → "Babababa", 1 → "Babababo"…"""
    letters = []
    for _ in range(4):
        number, rest = divmod(number, len(SYLLABLES))
        letters.append(SYLLABLES[rest])
    return "".join(reversed(letters)).title()


def table_counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Partner, Contact, AuditEntry, ImportBatch))


@pytest.mark.slow
def test_cli_dry_run_then_real_run_then_rerun_of_ten_thousand_rows(app, tmp_path, factory, make_user):
    admin = make_user(email="it@cqipc.edu.cn")
    factory.partner(name=f"{made_up_word(0)} College", country="DE")
    factory.partner(name=f"{made_up_word(4)} College", country="AU")
    path = generated_file(tmp_path / "partners.xlsx", 10_000)
    smaller = generated_file(tmp_path / "partners-1200.xlsx", 1_200)
    assert 2 * CHUNK < 1_200 < 3 * CHUNK  # several chunks, the last one partial
    runner = app.test_cli_runner()
    before = table_counts(app)

    started = time.monotonic()
    dry = runner.invoke(args=["import", "partners", str(path), "--dry-run"])
    assert time.monotonic() - started < 60
    assert dry.exit_code == 0, dry.output
    assert "10000 rows read" in dry.output and "new: 9998, matches: 2" in dry.output and "nothing was written" in dry.output
    assert table_counts(app) == before

    real = runner.invoke(args=["import", "partners", str(smaller), "--as", admin.email])
    assert real.exit_code == 0, real.output
    assert "1198 created, 2 updated" in real.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partner)) == 1_200
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 1_200  # the two matches gained theirs
        batch = db.session.scalars(select(ImportBatch)).one()
        assert (batch.created_by_id, batch.created_count) == (admin.id, 1198)

    again = runner.invoke(args=["import", "partners", str(smaller)])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated" in again.output
    assert table_counts(app)[:2] == (1_200, 1_200)


def test_cli_exits_non_zero_and_writes_nothing_when_rows_have_errors(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Name,Country\nIvy Tech,US\nNowhere College,Atlantis\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", "partners", str(path)])
    assert result.exit_code == 1
    assert "row 3" in result.output and "Atlantis" in result.output
    assert table_counts(app)[0] == 0
    good = app.test_cli_runner().invoke(args=["import", "partners", str(path), "--skip-errors"])
    assert good.exit_code == 0 and "1 created" in good.output


def test_cli_refuses_a_file_it_cannot_read(app, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = app.test_cli_runner().invoke(args=["import", "partners", str(path)])
    assert result.exit_code != 0 and ".xls" in result.output
