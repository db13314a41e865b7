"""/partners/<id>/brief: the briefing sheet before a visit, one printable page."""
from datetime import datetime, timedelta

from crm.auth.models import Role
from crm.core.dates import office_today
from crm.outcomes.models import Outcome, OutcomeCategory
from crm.extensions import db
from crm.proposals.models import ProposalStage


def test_the_briefing_sheet_gathers_what_a_visit_needs(app, client, auth, factory):
    auth.login(Role.VIEWER)
    partner = factory.partner(name="EBG Germany", country="DE", notes="Met at the Hannover fair")
    other = factory.partner(name="Elsewhere")
    factory.contact(partner, name="Zed Secondary")
    factory.contact(partner, name="Anna Primary", is_primary=True, email="anna@ebg.de")
    factory.contact(partner, name="Gone Away", active=False)
    in_force = factory.agreement([partner], title="CNC training", valid_until=office_today() + timedelta(days=200), notice_days=90)
    factory.agreement([partner], title="Expired exchange", valid_until=office_today() - timedelta(days=3))
    factory.agreement([other], title="Someone else's")
    with app.app_context():
        db.session.add_all([Outcome(agreement_id=in_force, year=2024, category=OutcomeCategory.CERTIFICATES_EARNED, count=20),
                            Outcome(partner_id=partner, year=2024, category=OutcomeCategory.CERTIFICATES_EARNED, count=5),
                            Outcome(partner_id=partner, year=2024, category=OutcomeCategory.TEACHERS_TRAINED, count=3),
                            Outcome(partner_id=partner, year=2025, category=OutcomeCategory.TEACHERS_TRAINED, count=4)])
        db.session.commit()
    for day in range(7):
        entry = factory.interaction(partner, subject=f"Talk {day}", occurred_at=datetime(2026, 10, 1 + day, 10))
    factory.follow_up(title="Send the exam dates", interaction_id=entry, due_on=office_today() + timedelta(days=3))
    factory.follow_up(title="They send the list", interaction_id=entry, partner_commitment=True)
    factory.follow_up(title="Done long ago", interaction_id=entry, done=True)
    factory.follow_up(title="Sign the copy", agreement_id=in_force)
    factory.proposal(partner, title="Dual degree", stage=ProposalStage.NEGOTIATING)
    factory.proposal(partner, title="Declined idea", stage=ProposalStage.DECLINED)
    html = client.get(f"/partners/{partner}/brief").text
    assert "Met at the Hannover fair" in html and "data-app-print" in html
    assert html.index("Anna Primary") < html.index("Zed Secondary") and "Gone Away" not in html
    assert "CNC training" in html and "Expired exchange" not in html and "Someone else" not in html
    outcomes = html[html.index('id="brief-outcomes"'):html.index('id="brief-ours"')]
    assert "2024-2025" in outcomes and ">25<" in outcomes and ">3<" in outcomes and ">4<" in outcomes
    ours = html[html.index('id="brief-ours"'):html.index('id="brief-theirs"')]
    theirs = html[html.index('id="brief-theirs"'):html.index('id="brief-proposals"')]
    assert "Send the exam dates" in ours and "Sign the copy" in ours and "They send the list" not in ours
    assert "They send the list" in theirs and "Done long ago" not in html
    assert "Dual degree" in html and "Declined idea" not in html
    last = html[html.index('id="brief-contacted"'):]
    assert [f"Talk {day}" in last for day in range(7)] == [False, False, True, True, True, True, True]
    assert f'href="/partners/{partner}/brief"' in client.get(f"/partners/{partner}").text


def test_an_archived_or_missing_partner_has_no_briefing_sheet(client, auth, factory):
    auth.login()
    archived = factory.partner(archived_at=datetime(2026, 1, 1))
    assert client.get(f"/partners/{archived}/brief").status_code == 404
    assert client.get("/partners/999/brief").status_code == 404


def test_the_briefing_sheet_takes_a_fixed_number_of_statements(client, auth, factory, count_statements):
    auth.login()
    partner = factory.partner()
    factory.contact(partner)
    entry = factory.interaction(partner)
    factory.follow_up(interaction_id=entry)
    factory.agreement([partner])
    factory.proposal(partner)
    with count_statements() as few:
        client.get(f"/partners/{partner}/brief")
    for n in range(4):
        factory.contact(partner, name=f"C{n}")
        entry = factory.interaction(partner, subject=f"S{n}")
        factory.follow_up(interaction_id=entry, title=f"F{n}")
        factory.agreement([partner], title=f"A{n}")
        factory.proposal(partner, title=f"P{n}")
    with count_statements() as many:
        client.get(f"/partners/{partner}/brief")
    assert many.count == few.count
