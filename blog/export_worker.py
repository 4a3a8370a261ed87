"""Building exports in the background of the process that was asked (blog.domain.exports).

One thread per app, started by the first export asked of it, builds one
export at a time from a queue: a zip of a prolific member takes a few
seconds, and the request that asked answers at once. A build that fails is
logged, the member told, and its lock let go, so they can ask again; a process that
stops mid-build leaves a lock that EXPORT_BUILD_TIMEOUT expires.
"""

import queue
import threading

from flask import current_app

from .domain import exports
from .domain.signals import export_requested
from .extensions import db

_starting = threading.Lock()


class ExportWorker(threading.Thread):
    """Takes ExportJobs off its queue and builds them, each in its own app context."""

    def __init__(self, app):
        super().__init__(name="export-worker", daemon=True)
        self.app = app
        self.jobs = queue.Queue()
        self.stopping = threading.Event()

    def submit(self, job):
        self.jobs.put(job)

    def run(self):
        while not self.stopping.is_set():
            try:
                job = self.jobs.get(timeout=1)
            except queue.Empty:
                continue
            try:
                self._build(job)
            finally:
                self.jobs.task_done()

    def _build(self, job):
        with self.app.app_context():
            try:
                exports.build_export(job)
            except Exception:  # noqa: BLE001 - keep the worker alive, say why
                self.app.logger.exception("Could not build the export of member %s", job.member_id)
                db.session.rollback()
            finally:
                db.session.remove()

    def wait_idle(self):
        """Return once every export asked so far is built (tests, and a clean stop)."""
        self.jobs.join()

    def stop(self):
        """Finish the builds already asked for, then end the thread."""
        self.wait_idle()
        self.stopping.set()
        self.join(timeout=5)


def worker_for(app):
    """This app's export worker, started on first use."""
    with _starting:
        worker = app.extensions.get("export_worker")
        if worker is None:
            worker = app.extensions["export_worker"] = ExportWorker(app)
            worker.start()
    return worker


@export_requested.connect
def hand_to_worker(job, **extra):
    """An export was asked for: queue it on this app's worker."""
    worker_for(current_app._get_current_object()).submit(job)
