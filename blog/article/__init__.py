"""Article pages and what is posted from them.

Two blueprints: `article` (views.py: write, preview, read, edit, delete, the
Like and Bookmark buttons) and `comment` (comments.py: post, reply, edit and
delete comments). They share a package because a refused comment is answered
with the article page itself, and the article page draws the comment forms.
"""
