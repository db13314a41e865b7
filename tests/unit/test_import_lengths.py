"""The imports hold a text cell to the length the form's field takes (crm.imports.fields.text_of):
the import wrote its limits as numbers of its own (partner notes 20,000, website 300, the
interaction summary), equal to the forms' only until one of them changed."""
import pytest
from wtforms.validators import Length

from crm.agreements.forms import AgreementForm
from crm.contacts.forms import ContactForm
from crm.imports.fields import KINDS, CellError, ParseContext
from crm.interactions.forms import InteractionForm
from crm.outcomes.forms import OutcomeForm
from crm.partners.forms import PartnerFields

CONTEXT = ParseContext()

# import kind, column → the form field that takes the same value
COLUMNS = {
    ("partners", "name"): PartnerFields.name,
    ("partners", "local_name"): PartnerFields.local_name,
    ("partners", "short_name"): PartnerFields.short_name,
    ("partners", "city"): PartnerFields.city,
    ("partners", "notes"): PartnerFields.notes,
    ("partners", "contact_name"): ContactForm.name,
    ("partners", "contact_position"): ContactForm.position,
    ("partners", "contact_department"): ContactForm.department,
    ("partners", "contact_messaging"): ContactForm.messaging,
    ("agreements", "title"): AgreementForm.title,
    ("agreements", "subjects"): AgreementForm.subjects,
    ("agreements", "notes"): AgreementForm.notes,
    ("history", "subject"): InteractionForm.subject,
    ("history", "summary"): InteractionForm.summary,
    ("history", "location"): InteractionForm.location,
    ("outcomes", "detail"): OutcomeForm.detail,
    ("outcomes", "note"): OutcomeForm.note,
}


def _form_max(field) -> int:
    [length] = [rule for rule in field.kwargs["validators"] if isinstance(rule, Length)]
    return length.max


@pytest.mark.parametrize(("kind", "key"), list(COLUMNS))
def test_a_text_cell_takes_what_the_form_takes_and_no_more(app, kind, key):
    limit = _form_max(COLUMNS[kind, key])
    parse = KINDS[kind].field(key).parse
    with app.test_request_context():
        assert parse("x" * limit, CONTEXT) == "x" * limit
        with pytest.raises(CellError, match="characters"):  # the longest (20,000) is also any cell's cap
            parse("x" * (limit + 1), CONTEXT)


def test_a_website_and_a_phone_take_what_the_form_takes(app):
    website, phone = KINDS["partners"].field("website").parse, KINDS["partners"].field("contact_phone").parse
    with app.test_request_context():
        longest = "https://a.edu/" + "p" * (_form_max(PartnerFields.website) - len("https://a.edu/"))
        assert website(longest, CONTEXT) == longest
        with pytest.raises(CellError, match=f"At most {_form_max(PartnerFields.website)} characters"):
            website(longest + "p", CONTEXT)
        with pytest.raises(CellError, match=f"At most {_form_max(ContactForm.phone)} characters"):
            phone("1" * (_form_max(ContactForm.phone) + 1), CONTEXT)


def test_no_import_column_writes_a_length_of_its_own():
    """Every text column's limit comes from a form field: none is a number in crm/imports."""
    import re
    from pathlib import Path

    source = (Path(__file__).parents[2] / "crm" / "imports" / "fields.py").read_text(encoding="utf-8")
    assert re.findall(r"\btext\(\s*\d", source) == []
