"""Notifications: the page behind the bell, the member's choices, and unsubscribing by email."""

from .views import bp

__all__ = ["bp"]
