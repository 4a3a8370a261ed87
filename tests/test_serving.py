"""How many threads waitress gets (blog/serving.py)."""

import pytest

from blog import serving


def test_threads_come_from_the_setting(monkeypatch):
    monkeypatch.setattr(serving, "THREADS_ARE_SAFE", True)
    monkeypatch.delenv("THREADS", raising=False)
    assert serving.worker_threads() == serving.DEFAULT_THREADS
    monkeypatch.setenv("THREADS", "3")
    assert serving.worker_threads() == 3
    assert serving.worker_threads(5) == 5


def test_python_311_serves_with_one_thread_and_says_why(monkeypatch):
    monkeypatch.setattr(serving, "THREADS_ARE_SAFE", False)
    with pytest.warns(RuntimeWarning, match="serving with one"):
        assert serving.worker_threads(8) == 1
    # One thread asked for is one thread, without a warning.
    assert serving.worker_threads(1) == 1
