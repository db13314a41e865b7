"""Fixed enumerations whose members carry a translated label."""
import enum

import sqlalchemy as sa
from flask_babel import get_locale

# (locale, enum class, value) → the translated label: a list of 50 rows asks for the same few
# labels hundreds of times, and the catalogue does not change while the process runs.
_labels: dict[tuple, str] = {}


class LabelledEnum(str, enum.Enum):
    """A str enum declared as ``MEMBER = "value", _l("Label")``."""

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        try:
            key = (str(get_locale()), type(self), self._value_)
        except RuntimeError:  # no application context: nothing to cache by
            return str(self._label)
        label = _labels.get(key)
        if label is None:
            label = _labels[key] = str(self._label)
        return label

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def coerce(cls, value):
        """WTForms coerce: accept a member or its value."""
        return value if isinstance(value, cls) else cls(value)


def enum_column(enum_cls: type[LabelledEnum]) -> sa.Enum:
    """Stored as the member's value in a VARCHAR, portable between SQLite and PostgreSQL."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
