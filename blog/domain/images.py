"""Pictures given by address: which addresses a profile picture or a cover may use."""


def https_url_problem(url, max_length):
    """Why `url` cannot be used as the address of an image, or None ("" means none).

    Only https (pages are served with a CSP that allows https images) and
    nothing that could break out of an attribute.
    """
    if not url:
        return None
    if not url.startswith("https://") or len(url) <= len("https://") or any(
        c.isspace() or c in "\"'<>" or ord(c) < 32 or ord(c) == 127 for c in url
    ):
        return "Use an https:// address of an image, or leave this empty."
    if len(url) > max_length:
        return f"Use at most {max_length} characters."
    return None
