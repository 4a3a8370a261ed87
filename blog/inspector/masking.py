"""What the flow inspector never shows: passwords, tokens, cookie values, the secret key.

Masked by name (a field, a header, a JSON key) and by value (a secret that
this request carried, seen again in an SQL parameter or a redirect).
"""

import re

MASK = "••••"
SECRET_NAME = re.compile(
    r"pass(word|wd)?|confirm|token|csrf|secret|authori[sz]ation|cookie|hash|api[_-]?key|session",
    re.IGNORECASE,
)
# Values that are secrets whatever their name: password hashes, hashed tokens.
SECRET_VALUE = re.compile(r"^\$argon2|^[0-9a-f]{64}$|^eyJ[\w-]+\.[\w-]+\.[\w-]+$")


def is_secret_name(name):
    """True for a field, header or key whose value must not be shown."""
    return bool(SECRET_NAME.search(str(name)))


def mask_value(value, secrets=()):
    """`value`, or the mask when it is (or contains) a secret."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    if SECRET_VALUE.search(text):
        return MASK
    for secret in secrets:
        if secret and len(secret) >= 6 and secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_mapping(mapping, secrets=()):
    """A copy of `mapping` (form fields, JSON, headers) with secret entries masked, nested too."""
    if isinstance(mapping, dict):
        return {
            key: MASK if is_secret_name(key) else mask_mapping(value, secrets)
            for key, value in mapping.items()
        }
    if isinstance(mapping, list | tuple):
        return [mask_mapping(item, secrets) for item in mapping]
    return mask_value(mapping, secrets)


def secrets_in(mapping):
    """The values under secret names in `mapping` (nested), to mask wherever they reappear."""
    found = []
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            if is_secret_name(key):
                values = value if isinstance(value, list | tuple) else [value]
                found += [item for item in values if isinstance(item, str)]
            else:
                found += secrets_in(value)
    elif isinstance(mapping, list | tuple):
        for item in mapping:
            found += secrets_in(item)
    return found
