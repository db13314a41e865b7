"""One owner per rule: the columns a business rule is made of are read only inside the package
that owns the rule; every other package calls the owner's functions.

- agreements (crm/agreements/) own in force, status, act-by and renewal-due, made of
  Agreement.decision, .valid_until, .valid_from, .signed_on, .notice_days and the stored
  act-by date Agreement.act_by;
- interactions (crm/interactions/) own last contact, made of Interaction.occurred_at, and the
  values they store on the partner, Partner.last_contact_at and .interaction_count (kept by
  the interactions' session hook).

A new exception goes into ALLOWED with its reason.
"""
import ast
from pathlib import Path

CRM = Path(__file__).resolve().parents[2] / "crm"

RULE_COLUMNS = {
    "Agreement": ("crm/agreements/", {"decision", "valid_until", "valid_from", "signed_on", "notice_days", "act_by"}),
    "Interaction": ("crm/interactions/", {"occurred_at"}),
    "Partner": ("crm/interactions/", {"last_contact_at", "interaction_count"}),
}
# (file, "Model.column") -> why it may read the column itself. Migrations live outside crm/.
ALLOWED: dict[tuple[str, str], str] = {}


def references(source: str) -> list[tuple[int, str]]:
    """(line, "Model.column") for every class-level reference to a rule column in `source`,
    following `import ... as` aliases of the models."""
    tree = ast.parse(source)
    names = {model: model for model in RULE_COLUMNS}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in RULE_COLUMNS and alias.asname:
                    names[alias.asname] = alias.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names:
            model = names[node.value.id]
            if node.attr in RULE_COLUMNS[model][1]:
                found.append((node.lineno, f"{model}.{node.attr}"))
        # getattr(Agreement, "valid_until") is the same reference, spelled differently.
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id in names
            and isinstance(node.args[1], ast.Constant)
        ):
            model = names[node.args[0].id]
            if node.args[1].value in RULE_COLUMNS[model][1]:
                found.append((node.lineno, f"{model}.{node.args[1].value}"))
    return sorted(found)


def test_the_checker_finds_direct_aliased_and_getattr_references():
    source = (
        "from crm.agreements.models import Agreement as A\n"
        "from crm.interactions.models import Interaction\n"
        "x = A.valid_until >= today\n"
        "y = getattr(Interaction, 'occurred_at')\n"
        "z = Interaction.subject\n"
        "from crm.partners.models import Partner as P\n"
        "w = select(A.act_by, P.last_contact_at, P.name)\n"
    )
    assert references(source) == [
        (3, "Agreement.valid_until"), (4, "Interaction.occurred_at"), (7, "Agreement.act_by"), (7, "Partner.last_contact_at"),
    ]


def _violations() -> list[str]:
    found = []
    for path in sorted(CRM.rglob("*.py")):
        relative = path.relative_to(CRM.parent).as_posix()
        for line, reference in references(path.read_text(encoding="utf-8")):
            owner = RULE_COLUMNS[reference.split(".")[0]][0]
            if not relative.startswith(owner) and (relative, reference) not in ALLOWED:
                found.append(f"{relative}:{line}: {reference} (owned by {owner})")
    return found


def test_rule_columns_are_read_only_by_their_owning_package():
    assert _violations() == [], "call the owner's queries.py instead of re-stating its rule"


def test_every_exception_is_still_needed():
    for file, reference in ALLOWED:
        assert any(ref == reference for _line, ref in references((CRM.parent / file).read_text(encoding="utf-8"))), file
