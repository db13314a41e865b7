"""The 国际影响表 (international-influence table) of the college's quality report, for one year:
the office's rows for that year (Indicator), each summed from the approved outcomes tagged with it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from crm.extensions import db
from crm.outcomes.models import Indicator, Outcome, OutcomeStatus

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


@dataclass
class InfluenceRow:
    indicator: Indicator
    value: int
    records: int


def indicators_of(year: int) -> list[Indicator]:
    return db.session.scalars(select(Indicator).where(Indicator.year == year).order_by(Indicator.position, Indicator.id)).all()


def influence_table(year: int) -> list[InfluenceRow]:
    """Each of the year's rows with the sum of its approved outcomes of that year (2 statements)."""
    indicators = indicators_of(year)
    sums = {
        indicator_id: (total, records)
        for indicator_id, total, records in db.session.execute(
            select(Outcome.indicator_id, func.sum(Outcome.count), func.count(Outcome.id))
            .where(Outcome.status == OutcomeStatus.APPROVED, Outcome.year == year, Outcome.indicator_id.is_not(None))
            .group_by(Outcome.indicator_id)
        ).all()
    }
    return [InfluenceRow(i, int(sums.get(i.id, (0, 0))[0] or 0), sums.get(i.id, (0, 0))[1]) for i in indicators]
