"""What each kind of import holds: its fields, the column titles that name them (Chinese and
English), and how a cell becomes a clean value or a message about what is wrong with it.

A parser takes the cell as read (text, number, date, Formula) and returns the value as text
(ISO date, country code, enum value…, what ImportRow.values stores) or None for an empty cell;
it raises CellError with a message for a person.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, NumberRange, ValidationError

from crm.core.dates import office_today
from crm.core.export import unsafe_cell
from crm.core.i18n import country_code_for
from crm.core.punctuation import list_separator
from crm.imports.reading import Formula
from crm.contacts.forms import ContactForm, check_contact_name, check_email, check_phone
from crm.partners.forms import PartnerFields, check_tags, normalise_website, parse_tags
from crm.agreements.forms import NOTICE_DAYS_RANGE, AgreementForm
from crm.agreements.models import AgreementKind
from crm.interactions.forms import InteractionForm, check_contact_time
from crm.interactions.models import InteractionKind
from crm.outcomes.forms import COUNT_RANGE, OutcomeForm, check_year
from crm.outcomes.models import OutcomeCategory, academic_year_label, report_year_of, year_kind
from crm.partners.models import PartnerKind, PartnerStatus

MAX_CELL_LENGTH = 20_000
EXCEL_EPOCH = date(1899, 12, 30)
# Full-width letters and digits and the ideographic space, as a Chinese input method types them
# ("ＵＮＩＶＥＲＳＩＴＹ　ＯＦ　ＴＯＲＯＮＴＯ"): read as their plain forms in every cell. Full-width
# punctuation （，：） stays, as Chinese text writes it, except where a value is a code
# (`plain_text`: e-mail, country, website, numbers, dates).
FULL_WIDTH = {0x3000: " ", **{code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}}


class CellError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def checked(parse: Callable, rule: Callable, read: Callable = str) -> Callable:
    """`parse`, then the form's own `rule` (a function that raises ValidationError) on the value
    read back from the parsed text: one rule for the form and the import, its message the cell's."""
    def parse_checked(value, context):
        result = parse(value, context)
        if result is not None:
            try:
                rule(read(result))
            except ValidationError as refusal:
                raise CellError(refusal.args[0]) from None
        return result

    return parse_checked


@dataclass
class ParseContext:
    """What parsers look up: users by e-mail and by name (for owners), partners by their
    English, local or short name (for agreements: id and name)."""

    users: dict[str, int] = field(default_factory=dict)
    partners: dict[str, tuple[int, str]] = field(default_factory=dict)
    agreements: dict[str, list[int]] = field(default_factory=dict)  # plain title → ids (outcomes)
    schools: dict[str, int] = field(default_factory=dict)  # plain Chinese or English name → id (outcomes)


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object
    aliases: tuple[str, ...]  # English titles (also matched in their Chinese translation) and Chinese ones
    parse: Callable
    required: bool = False
    group: str = "partner"  # "partner" or "contact"
    in_template: bool = True  # a column of the downloadable template (the wide outcome columns are not)


def as_text(value) -> str:
    """A cell as text: numbers without a spurious ".0", dates as ISO."""
    if isinstance(value, Formula):
        raise CellError(_("A formula (%(formula)s) is not imported: copy the cells and paste them as values.", formula=value.text[:40]))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).translate(FULL_WIDTH)
    if len(text) > MAX_CELL_LENGTH:
        raise CellError(_("This cell has %(count)d characters; at most %(max)d are accepted.", count=len(text), max=MAX_CELL_LENGTH))
    return unsafe_cell(text.strip())


def plain_text(value) -> str:
    """A cell that holds a code rather than prose, with full-width punctuation made plain too
    ("ｈｕｗ＠ｃａｒｄｉｆｆｍｅｔ．ａｃ．ｕｋ", "２０２３／９／１")."""
    return unicodedata.normalize("NFKC", as_text(value)).strip()


def form_length(field) -> int:
    """The most characters a form's field takes (its Length validator): the import's limit for
    the same column, so that the form and the import cannot disagree."""
    return next(rule.max for rule in field.kwargs["validators"] if isinstance(rule, Length))


def text_of(field):
    """A text cell held to the length the form's `field` takes."""
    return text(form_length(field))


def text(max_length: int):
    def parse(value, context):
        result = as_text(value)
        if len(result) > max_length:
            raise CellError(_("At most %(max)d characters (this cell has %(count)d).", max=max_length, count=len(result)))
        return result or None

    return parse


def parse_country(value, context):
    result = plain_text(value)
    if not result:
        return None
    code = country_code_for(result) or country_code_for(re.sub(r"\s*\(.*\)$", "", result))  # 韩国（南朝鲜）, 英国（苏格兰）
    if code is None:
        raise CellError(_("No country is called “%(name)s”.", name=result[:100]))
    return code


def enum_parser(enum_cls, default):
    def parse(value, context):
        result = as_text(value)
        if not result:
            return default.value if default else None
        found = enum_lookup(enum_cls).get(result.casefold())
        if found is None:
            raise CellError(_("“%(value)s” is not one of: %(choices)s.", value=result[:60],
                              choices=list_separator().join(member.label for member in enum_cls)))
        return found

    return parse


@lru_cache(maxsize=16)
def enum_lookup(enum_cls) -> dict[str, str]:
    """Value, English label and Chinese label (casefolded) → the member's value."""
    lookup = {}
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            for member in enum_cls:
                lookup.setdefault(member.label.casefold(), member.value)
    for member in enum_cls:
        lookup[member.value.casefold()] = member.value
    return lookup


def parse_website(value, context):
    result = text_of(PartnerFields.website)(plain_text(value) or None, context)
    try:
        return normalise_website(result)
    except ValueError:
        raise CellError(_("Only http:// and https:// web addresses are accepted.")) from None


def _email_text(value, context):
    result = plain_text(value)
    if len(result) > form_length(ContactForm.email):
        raise CellError(_("Not a valid e-mail address."))
    return result or None


parse_email = checked(_email_text, check_email)


def _tags_text(value, context):
    return ", ".join(parse_tags(as_text(value))) or None


def parse_owner(value, context):
    result = as_text(value)
    if not result:
        return None
    user_id = context.users.get(result.casefold())
    if user_id is None:
        raise CellError(_("No user is called “%(name)s”.", name=result[:100]))
    return str(user_id)


PARTNER_SEPARATORS = r"[;；、\n]+"


def parse_partners(value, context):
    """One or more existing partners, by name, local name or short name ("BSK; EBG")."""
    result = as_text(value)
    if not result:
        return None
    ids = []
    for name in re.split(PARTNER_SEPARATORS, result):
        name = " ".join(name.split())
        if not name:
            continue
        found = context.partners.get(" ".join(re.findall(r"\w+", name.casefold())))
        if found is None:
            raise CellError(_("No partner is called “%(name)s”: import or create the partner first.", name=name[:100]))
        if found[0] not in ids:
            ids.append(found[0])
    return ",".join(str(pid) for pid in ids) or None


def parse_whole_number(value, context):
    result = plain_text(value)
    if not result:
        return None
    if not result.isascii() or not result.isdigit() or len(result) > 9:
        raise CellError(_("“%(value)s” is not a whole number.", value=result[:40]))
    return str(int(result))


def whole_number_in(limits: NumberRange) -> Callable:
    """A whole number within the form field's own NumberRange, refused with its message."""
    def check(number: int) -> None:
        if not limits.min <= number <= limits.max:
            raise ValidationError(limits.message)

    return checked(parse_whole_number, check, int)


YES = {"yes", "y", "true", "1", "是", "有", "√", "✓", "x"}
NO = {"no", "n", "false", "0", "否", "无", "没有"}


def parse_yes_no(value, context):
    result = as_text(value).casefold()
    if not result:
        return None
    if result in YES:
        return "1"
    if result in NO:
        return "0"
    raise CellError(_("Write yes or no (是 or 否)."))


DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),  # 20230901, as office systems write dates
)
# A date with a time of day, as a CSV saved by Excel writes a date cell ("2023/9/1 0:00"): the date.
DATE_WITH_TIME = re.compile(r"^(\S+?)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def parse_date_value(value) -> date | None:
    """2025-09-01, 2025/9/1, 2025.9.1, 2025年9月1日, 20250901, an Excel serial (45901) or a date
    cell; a time after the date ("2025/9/1 0:00") is left out."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(_("“%(value)s” is not a date.", value=value))
    result = plain_text(value)
    if not result:
        return None
    result = match.group(1) if (match := DATE_WITH_TIME.match(result)) else result
    if result.isdigit() and 4 < len(result) < 7:
        return parse_date_value(int(result))
    for pattern in DATE_PATTERNS:
        if match := pattern.match(result):
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(_("“%(value)s” is not a date; write it like 2025-09-01.", value=result[:40]))


TIME_PATTERN = re.compile(r"^(.*?)[ T]+(\d{1,2})[:：](\d{2})(?::\d{2})?$")


def parse_datetime(value, context):
    """A date as parse_date reads it, with an optional time ("2025/9/1 14:30"), as ISO text."""
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0).isoformat(sep=" ", timespec="minutes")
    text_value = as_text(value) if not isinstance(value, int | float | date) else value
    if isinstance(text_value, str) and (match := TIME_PATTERN.match(text_value)):
        day = parse_date_value(match.group(1))
        hour, minute = int(match.group(2)), int(match.group(3))
        if day is None or hour > 23 or minute > 59:
            raise CellError(_("“%(value)s” is not a date; write it like 2025-09-01.", value=text_value[:40]))
        return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute).isoformat(sep=" ", timespec="minutes")
    day = parse_date_value(text_value)
    return datetime.combine(day, datetime.min.time()).isoformat(sep=" ", timespec="minutes") if day else None


def parse_date(value, context):
    found = parse_date_value(value)
    return found.isoformat() if found else None


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: object
    fields: tuple[ImportField, ...]

    def field(self, key: str) -> ImportField:
        return next(f for f in self.fields if f.key == key)


PARTNER_IMPORT = ImportKind(
    "partners",
    _l("Partners (with contacts)"),
    (
        ImportField("name", _l("Name (English)"), ("Name", "Name (English)", "English name", "Partner", "Institution",
                    "名称", "英文名称", "机构名称", "院校名称", "合作伙伴", "合作院校", "合作单位", "合作方", "合作机构", "单位名称",
                    "学校名称", "合作院校名称", "合作单位名称", "院校英文名称", "学校英文名称", "英文名", "Partner name",
                    "Institution name", "School name", "University", "Organisation", "Organization"),
                    text_of(PartnerFields.name), required=True),
        ImportField("local_name", _l("Local-language name"), ("Local-language name", "Local name", "Native name",
                    "当地语言名称", "本地名称", "原文名称", "外文名称"), text_of(PartnerFields.local_name)),
        ImportField("short_name", _l("Short name"), ("Short name", "Abbreviation", "简称", "缩写"), text_of(PartnerFields.short_name)),
        ImportField("kind", _l("Kind"), ("Kind", "Type", "类型", "类别", "机构类型"), enum_parser(PartnerKind, PartnerKind.OTHER)),
        ImportField("country", _l("Country"), ("Country", "Country code", "Country or region", "国家", "国家/地区",
                    "国别", "国家或地区", "国家和地区", "所在国家", "国别/地区"), parse_country, required=True),
        ImportField("city", _l("City"), ("City", "城市", "所在城市"), text_of(PartnerFields.city)),
        ImportField("website", _l("Website"), ("Website", "Web site", "URL", "Web", "网站", "网址", "官网", "网站地址",
                    "官方网站", "学校官网"), parse_website),
        ImportField("status", _l("Status"), ("Status", "状态", "合作状态"), enum_parser(PartnerStatus, PartnerStatus.ACTIVE)),
        ImportField("owner_id", _l("Relationship owner"), ("Owner", "Relationship owner", "负责人"), parse_owner),
        ImportField("tags", _l("Tags"), ("Tags", "标签"), checked(_tags_text, check_tags, parse_tags)),
        ImportField("notes", _l("Notes"), ("Notes", "Remarks", "备注"), text_of(PartnerFields.notes)),
        ImportField("contact_name", _l("Contact"), ("Contact", "Contact name", "Contact person", "联系人",
                    "联系人姓名"), checked(text_of(ContactForm.name), check_contact_name), group="contact"),
        ImportField("contact_position", _l("Position"), ("Position", "Title", "Job title", "职务", "职位", "职称", "职务/职称", "联系人职务"), text_of(ContactForm.position), group="contact"),
        ImportField("contact_department", _l("Department"), ("Department", "部门"), text_of(ContactForm.department), group="contact"),
        ImportField("contact_email", _l("E-mail"), ("E-mail", "Email", "Mail", "E-mail address", "Email address",
                    "Contact e-mail", "Contact email", "邮箱", "电子邮箱", "电子邮件", "邮箱地址", "电子邮箱地址", "联系邮箱", "联系人邮箱"), parse_email, group="contact"),
        ImportField("contact_phone", _l("Phone"), ("Phone", "Telephone", "Tel", "Mobile", "Contact phone", "电话", "手机",
                    "联系电话", "电话号码", "手机号", "手机号码", "联系人电话"),
                    checked(text_of(ContactForm.phone), check_phone), group="contact"),
        ImportField("contact_messaging", _l("Messaging"), ("Messaging", "WeChat", "微信", "微信号"), text_of(ContactForm.messaging), group="contact"),
    ),
)

PARTNER_TITLES = ("Partner", "Partners", "Partner institution", "Partner name", "合作伙伴", "合作院校", "合作方", "合作单位",
                  "合作院校名称", "合作单位名称")


def parse_one_partner(value, context):
    found = parse_partners(value, context)
    if found and "," in found:
        raise CellError(_("Name one partner here."))
    return found


AGREEMENT_IMPORT = ImportKind(
    "agreements",
    _l("Agreements"),
    (
        ImportField("title", _l("Title"), ("Title", "Agreement", "Name", "名称", "协议名称", "标题", "合作协议"), text_of(AgreementForm.title), required=True),
        ImportField("partner_ids", _l("Partners"), PARTNER_TITLES, parse_partners, required=True),
        ImportField("kind", _l("Kind"), ("Kind", "Type", "类型", "协议类型"), enum_parser(AgreementKind, AgreementKind.OTHER)),
        ImportField("signed_on", _l("Signed on"), ("Signed", "Signed on", "Date signed", "签署日期", "签订日期", "签约日期", "签约时间", "签署时间",
                    "协议签署日期", "Signing date", "Date of signing"), parse_date),
        ImportField("valid_from", _l("Valid from"), ("Valid from", "Start", "Start date", "生效日期", "开始日期", "生效时间", "起始日期"), parse_date),
        ImportField("valid_until", _l("Valid until"), ("Valid until", "End", "Expires", "有效期至", "截止日期", "到期日期", "到期时间", "终止日期", "结束日期",
                    "到期日", "协议到期时间", "协议有效期至", "Expiry", "Expiry date", "End date"), parse_date),
        ImportField("notice_days", _l("Notice period (days)"), ("Notice period", "Notice period (days)", "Notice days",
                    "提前通知期", "提前通知天数"), whole_number_in(NOTICE_DAYS_RANGE)),
        ImportField("auto_renew", _l("Renews automatically"), ("Renews automatically", "Auto renew", "自动续签"), parse_yes_no),
        ImportField("subjects", _l("Subjects / majors"), ("Subjects", "Majors", "Subjects / majors", "专业", "涉及专业"),
                    text_of(AgreementForm.subjects)),
        ImportField("notes", _l("Notes"), ("Notes", "Remarks", "备注"), text_of(AgreementForm.notes)),
    ),
)

HISTORY_IMPORT = ImportKind(
    "history",
    _l("Contact history"),
    (
        ImportField("occurred_at", _l("When"), ("When", "Date", "日期", "时间", "联络日期", "会谈日期"),
                    checked(parse_datetime, check_contact_time, datetime.fromisoformat), required=True),
        ImportField("partner_id", _l("Partner"), PARTNER_TITLES, parse_one_partner, required=True),
        ImportField("kind", _l("Kind"), ("Kind", "Type", "类型", "方式", "联络方式"), enum_parser(InteractionKind, InteractionKind.OTHER)),
        ImportField("subject", _l("Subject"), ("Subject", "Topic", "主题", "事由"), text_of(InteractionForm.subject), required=True),
        ImportField("summary", _l("Summary"), ("Summary", "Notes", "Content", "内容", "摘要", "纪要", "备注"), text_of(InteractionForm.summary)),
        ImportField("location", _l("Location"), ("Location", "Place", "地点"), text_of(InteractionForm.location)),
    ),
)

YEAR_PATTERN = re.compile(r"^(\d{4})(?:\s*[-/–~至]\s*(\d{2,4}))?\s*(?:学年|年度|年|academic year)?$", re.IGNORECASE)


def _read_year(value, context):
    """The office's report year (crm.outcomes.models.year_kind) → its start year as text.

    Academic years: "2025-2026", "2025/26", "2025-2026学年" or 2025 (= 2025-2026);
    calendar years: 2025 or "2025年".
    """
    result = as_text(value)
    if not result:
        return None
    match = YEAR_PATTERN.match(result)
    calendar = year_kind() == "calendar"
    if match:
        start, end = int(match.group(1)), match.group(2)
        if end is not None and (calendar or not academic_year_label(start).endswith(end) or len(end) == 3):
            match = None
    if not match:  # a year too early or not begun: the form's check_year says so (parse_year)
        if calendar:
            raise CellError(_("“%(value)s” is not a year; write it like 2025.", value=result[:40]))
        raise CellError(_("“%(value)s” is not an academic year; write it like 2025-2026.", value=result[:40]))
    return str(int(match.group(1)))


def check_year_begun(year: int) -> None:
    """The outcome form's rule on a year, before the row's agreement is known (crm/imports/outcomes.py
    asks it again with the agreement)."""
    check_year(year, report_year_of(office_today()))


parse_year = checked(_read_year, check_year_begun, int)  # a year that has not begun is refused, as in the form


def _plain(text_value: str) -> str:
    return " ".join(re.findall(r"\w+", text_value.casefold()))


def parse_agreement(value, context):
    """An existing agreement by its title: the ids of every agreement so called (the partner
    column tells them apart)."""
    result = " ".join(as_text(value).split())
    if not result:
        return None
    found = context.agreements.get(_plain(result))
    if not found:
        raise CellError(_("No agreement is called “%(name)s”: import or create the agreement first.", name=result[:100]))
    return ",".join(str(aid) for aid in found)


def parse_school(value, context):
    result = " ".join(as_text(value).split())
    if not result:
        return None
    found = context.schools.get(_plain(result))
    if found is None:
        raise CellError(_("No school is called “%(name)s”.", name=result[:100]))
    return str(found)


# The column titles offices use for a category's count in a wide sheet (one column per category).
OUTCOME_TITLES = {
    "outbound_students": ("Outbound students", "派出学生", "出境学生"),
    "inbound_students": ("Inbound students", "来华留学生", "留学生"),
    "joint_programme_students": ("Students in joint programmes", "中外合作办学学生", "合作办学学生"),
    "teachers_trained": ("培训教师", "培训教师（人次）", "师资培训"),
    "certificates_earned": ("国际职业资格证书", "证书"),
    "experts_hosted": ("Foreign teachers / experts hosted", "外籍教师和专家", "外籍专家"),
    "delegations_sent": ("出访团组",),
    "delegations_received": ("来访团组",),
}
COUNT_PREFIX = "count_"

OUTCOME_IMPORT = ImportKind(
    "outcomes",
    _l("Outcomes"),
    (
        ImportField("partner_id", _l("Partner"), PARTNER_TITLES, parse_one_partner),
        ImportField("agreement_id", _l("Agreement"), ("Agreement", "Agreement title", "协议", "协议名称", "合作协议"), parse_agreement),
        ImportField("year", _l("Year"), ("Year", "Academic year", "学年", "年度", "年份"), parse_year, required=True),
        ImportField("category", _l("Category"), ("Category", "Outcome", "类别", "成果类别", "项目"), enum_parser(OutcomeCategory, None)),
        ImportField("count", _l("Count"), ("Count", "Number", "Quantity", "数量", "人数", "人次"), whole_number_in(COUNT_RANGE)),
        ImportField("detail", _l("Detail"), ("Detail", "Details", "明细", "细分"), text_of(OutcomeForm.detail)),
        ImportField("school_id", _l("School"), ("School", "College", "学院", "二级学院", "院系"), parse_school),
        ImportField("note", _l("Note"), ("Note", "Notes", "Remarks", "备注", "说明"), text_of(OutcomeForm.note)),
        *(ImportField(COUNT_PREFIX + category.value, category._label, OUTCOME_TITLES.get(category.value, ()),
                      whole_number_in(COUNT_RANGE), in_template=False) for category in OutcomeCategory),
    ),
)

KINDS = {kind.key: kind for kind in (PARTNER_IMPORT, AGREEMENT_IMPORT, HISTORY_IMPORT, OUTCOME_IMPORT)}


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, str(kind.label)) for kind in KINDS.values()]


# --- Mapping columns to fields ---------------------------------------------------------------

def normalised_title(title) -> str:
    return re.sub(r"[\s:：*＊()（）\[\]【】/／\-_.·]+", "", str(title or "")).casefold()


@lru_cache(maxsize=8)
def _title_lookup(kind_key: str) -> dict[str, str]:
    """Every column title that names a field of the kind (in English and Chinese) → field key."""
    kind = KINDS[kind_key]
    lookup: dict[str, str] = {}
    for import_field in kind.fields:
        titles = [*import_field.aliases, str(import_field.label)]
        for locale in ("en", "zh_CN"):
            with force_locale(locale):
                titles += [_(alias) for alias in import_field.aliases if alias.isascii()]
                titles.append(str(import_field.label))
        for title in titles:
            lookup.setdefault(normalised_title(title), import_field.key)
    return lookup


def field_for_title(kind: ImportKind, title) -> str | None:
    return _title_lookup(kind.key).get(normalised_title(title))


def automatic_mapping(kind: ImportKind, headers: list) -> dict[str, str]:
    """Column index (as text) → field key, each field once (the first column that names it)."""
    mapping: dict[str, str] = {}
    for index, title in enumerate(headers):
        key = field_for_title(kind, title)
        if key and key not in mapping.values():
            mapping[str(index)] = key
    return mapping


def looks_like_header(kind: ImportKind, cells: list) -> bool:
    """A row naming at least two of the kind's fields (or its only required one) is the header."""
    keys = {field_for_title(kind, cell) for cell in cells if isinstance(cell, str)} - {None}
    return len(keys) >= 2


def parse_row(kind: ImportKind, mapping: dict[str, str], cells: list, context: ParseContext) -> tuple[dict, dict]:
    """(values, errors) of one row: field key → cleaned text, field key → message."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for index, key in mapping.items():
        position = int(index)
        cell = cells[position] if position < len(cells) else None
        try:
            value = kind.field(key).parse(cell, context)
        except CellError as error:
            errors[key] = error.message
            continue
        if value is not None:
            values[key] = value
    mapped = set(mapping.values())
    for import_field in kind.fields:
        if import_field.key not in mapped and (default := import_field.parse(None, context)) is not None:
            values[import_field.key] = default  # e.g. the kind "other" and the status "active"
        if import_field.required and import_field.key not in values and import_field.key not in errors:
            errors[import_field.key] = _("%(field)s is required.", field=import_field.label)
    if any(key.startswith("contact_") for key in values) and "contact_name" not in values and "contact_name" not in errors:
        if "contact_email" in values:
            values["contact_name"] = values["contact_email"].split("@")[0]
        else:
            errors["contact_name"] = _("A contact needs a name.")
    return values, errors
