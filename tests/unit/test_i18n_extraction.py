"""babel.cfg extracts the strings of every template (pages and e-mails) and every Python module."""
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

ROOT = Path(__file__).resolve().parents[2]


@cache  # one walk over the tree for the module's tests (each takes seconds); read-only results
def _extract():
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    seen: list[str] = []
    messages = list(
        extract_from_dir(
            str(ROOT), method_map, options_map, callback=lambda filename, method, options: seen.append(filename)
        )
    )
    return seen, {message[2] if isinstance(message[2], str) else message[2][0] for message in messages}, messages


def test_every_template_file_is_extracted():
    seen, _ids, _messages = _extract()
    templates = {str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*") if path.is_file()}
    missing = sorted(templates - set(seen))
    assert not missing, f"babel.cfg does not extract {missing}"


def test_the_reminder_digest_and_person_names_are_in_the_catalogue_template():
    _seen, ids, messages = _extract()
    assert "Overdue follow-ups:" in ids and "Hello %(name)s," in ids
    contexts = {(message[4], message[2]) for message in messages}
    assert ("person", "Name") in contexts
