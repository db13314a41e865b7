"""The demo office's consortium, foreign experts and joint programme, as the seed tells them."""
from datetime import date

from sqlalchemy import select

from crm import create_app
from crm.consortia.models import Consortium, MemberKind, MemberRole
from crm.experts.models import Expert
from crm.extensions import db
from crm.programmes.models import Programme
from crm.renewals.queries import due_groups

TODAY = date(2026, 11, 30)


def test_the_demo_has_the_consortium_the_experts_with_one_permit_due_soon_and_the_canadian_programme(tmp_path):
    from crm.demo.loader import load_demo

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite3'}",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        db.create_all()
        load_demo(today=TODAY)
        consortium = db.session.scalar(select(Consortium))
        assert consortium.name == "Chongqing Vocational Education Consortium for International Cooperation"
        assert consortium.lead_partner_id is None  # led by our college
        president = [m for m in consortium.members if m.role == MemberRole.PRESIDENT]
        assert len(president) == 1 and president[0].partner_id is None
        assert {m.kind for m in consortium.members} >= {MemberKind.COLLEGE, MemberKind.ENTERPRISE, MemberKind.RESEARCH}
        assert len(consortium.activities) >= 5
        experts = db.session.scalars(select(Expert)).all()
        assert {e.nationality for e in experts} == {"US", "AU", "DE"} and len(experts) >= 5
        due = [item for group in due_groups(TODAY) for item in group.items]
        assert {item.record.expert.name for item in due} == {"Robert Miller"}
        programme = db.session.scalar(select(Programme))
        assert programme.partners[0].country == "CA" and programme.major_list == ["Mechanical Engineering", "Finance"]
        assert sum(e.enrolled for e in programme.enrolments if e.year == 2016) == 60
        assert min(a.approved_on for a in programme.approvals).year == 2015
        assert load_demo(today=TODAY)["partners"] == 0  # loading twice adds nothing
        assert db.session.query(Consortium).count() == 1
