"""The rules of the community. Speaks no HTTP: no request, no abort, no url_for.

Imports models, extensions and each other; never blog.web or a blueprint.
"""
