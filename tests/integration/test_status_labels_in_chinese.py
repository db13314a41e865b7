"""A partner's status and a proposal's stage read in Chinese wherever a Chinese page or export
shows them: the list, its filters and facets, the badges, the proposal pages, the home page's office chart (/home/office), the
CSV and the Excel export (LabelledEnum labels, crm/core/enums.py), never "Prospect" or "Idea"."""
import io
import re

import pytest
from openpyxl import load_workbook

from crm.auth.models import Role
from crm.partners.models import PartnerStatus
from crm.proposals.models import ProposalStage

ENGLISH = re.compile(r">\s*(Prospect|Active|Dormant|Ended|Idea|Drafting|Submitted|Negotiating)\s*<")


@pytest.fixture
def prospect(factory):
    partner_id = factory.partner(name="Hanoi University of Industry", country="VN", status=PartnerStatus.PROSPECT)
    proposal_id = factory.proposal(partner_id, title="Student exchange", stage=ProposalStage.IDEA)
    return partner_id, proposal_id


@pytest.mark.parametrize("path", ["/partners", "/partners?status=prospect", "/partners/{partner}", "/proposals",
                                  "/proposals?view=list", "/proposals/{proposal}", "/home/office"])
def test_chinese_pages_show_the_status_and_stage_in_chinese(client, auth, make_user, prospect, path):
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    page = client.get(path.format(partner=prospect[0], proposal=prospect[1])).text
    assert ENGLISH.findall(page) == []
    assert "潜在" in page or "构想" in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_chinese_partner_export_writes_the_status_in_chinese(client, auth, make_user, prospect, fmt):
    auth.login(user=make_user(Role.STAFF, locale="zh_CN"))
    body = client.get(f"/partners/export.{fmt}").data
    if fmt == "csv":
        cells = set(re.split(r'[,\r\n"]+', body.decode("utf-8-sig")))
    else:
        cells = {cell.value for sheet in load_workbook(io.BytesIO(body)) for row in sheet.iter_rows() for cell in row}
    assert "潜在" in cells and "Prospect" not in cells
