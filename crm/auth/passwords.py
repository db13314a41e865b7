"""The password rules: 8 to 128 characters, not a commonly used password."""
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128

# The most common passwords in public breach lists (and this app's own name), lower-cased.
COMMON_PASSWORDS = frozenset(
    """
    12345678 123456789 1234567890 123123123 11111111 00000000 87654321 12341234 11223344
    password password1 password123 passw0rd p@ssw0rd p@ssword qwertyui qwerty123 qwertyuiop
    1q2w3e4r 1qaz2wsx zaq12wsx asdfghjk asdfasdf iloveyou sunshine princess football baseball
    welcome1 welcome123 admin123 administrator letmein1 abc12345 abcd1234 aa123456 a1234567
    trustno1 superman starwars whatever charlie1 michael1 computer internet dragon12 monkey12
    changeme changeme1 default1 secret12 test1234 testtest qazwsxedc 5201314520 woaini1314
    woaini520 88888888 66666666 99999999 12344321 147258369 789456123 159357258 partnercrm
    partner-crm international
    """.split()
)


def password_problem(password: str) -> str | None:
    """Why `password` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 3:
        return str(_l("This password is too common. Choose another."))
    return None
