"""The 国际影响表 (international-influence table) of the college's quality report, for one year:
the office's rows for that year (Indicator), each summed from the approved outcomes tagged with it
(an outcome counts toward a row only when tagged: the table's definitions are narrower than the
report's categories, e.g. full-time students only) that count (crm/reports/sources.py: where records count a category in the year, typed outcomes of
it are left out here too, and the row says how many)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from crm.extensions import db
from crm.outcomes.models import Indicator
from crm.reports.sources import figures

# The rows the table usually has (code, Chinese label, English label, unit); the office adds them
# for a year in one step and edits them where the year's template differs.
STANDARD_INDICATORS = [
    ("intl_students_full_time", "全日制国（境）外留学生人数", "Full-time international students", "人"),
    ("intl_training_part_time", "非全日制国（境）外人员培训量", "Part-time training of people from abroad", "人日"),
    ("student_internship_abroad", "在校生服务“走出去”企业国（境）外实习时间", "Student internships abroad with Chinese companies going global", "人日"),
    ("teacher_training_abroad", "专任教师赴国（境）外指导和开展培训时间", "Full-time teachers teaching and training abroad", "人日"),
    ("teacher_office_abroad", "在国（境）外组织担任职务的专任教师人数", "Full-time teachers holding office in organisations abroad", "人"),
    ("teaching_standards_adopted", "开发并被国（境）外采用的专业教学标准数", "Programme teaching standards adopted abroad", "个"),
    ("course_standards_adopted", "开发并被国（境）外采用的课程标准数", "Course standards adopted abroad", "个"),
    ("skills_competition_awards", "国（境）外技能大赛获奖数量", "Awards at skills competitions abroad", "项"),
    ("campuses_abroad", "国（境）外办学点数量", "Campuses and teaching sites abroad", "个"),
]


# A row that counts part of a report category (full-time students among all those received): the
# page names the category's figure beside it, so that a row smaller than the report's figure (0
# while the report says 24 received: short stays, rightly not full-time) reads as what it is.
PART_OF_CATEGORY = {"intl_students_full_time": "inbound_students"}


@dataclass
class InfluenceRow:
    indicator: Indicator
    value: int
    records: int
    left_out: int = 0  # tagged outcomes not counted: records count their category in the year
    category: str | None = None  # the report category the row counts part of
    category_total: int = 0  # the report's figure of it in the year


def indicators_of(year: int) -> list[Indicator]:
    return db.session.scalars(select(Indicator).where(Indicator.year == year).order_by(Indicator.position, Indicator.id)).all()


def influence_table(year: int) -> list[InfluenceRow]:
    """Each of the year's rows with the sum of its tagged outcomes that count (a fixed number of
    statements: the rows, the records' years, one sum)."""
    indicators = indicators_of(year)
    found = figures(year, year)
    sums = found.by_indicator()
    rows = [InfluenceRow(i, *sums.get(i.id, (0, 0, 0)), category=PART_OF_CATEGORY.get(i.code)) for i in indicators]
    if any(row.category for row in rows):
        totals = found.by_year_and_category()
        for row in rows:
            row.category_total = totals.get((year, row.category), 0) if row.category else 0
    return rows
