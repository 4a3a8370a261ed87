"""Uploaded pictures: served at /media/<name>, uploaded from the editor at /uploads."""

from .views import bp

__all__ = ["bp"]
