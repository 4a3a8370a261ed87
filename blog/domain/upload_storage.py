"""Where uploaded pictures' bytes live: a small interface, and a folder on this machine.

Files are named by the SHA-256 of their bytes, so a name never changes what it
holds (the app serves them as immutable) and the same picture is stored once.
Another deployment may keep them elsewhere (object storage) by giving the app
another object with the same four methods (UPLOAD_STORAGE, see `storage()`).
"""

import os
import re
import tempfile
from pathlib import Path

from ..runtime import running_app, settings

# <64 hex digits>.<extension>, and its small copy <64 hex digits>-96.<extension>:
# the only names ever stored or served.
STORED_NAME = re.compile(r"[0-9a-f]{64}(-96)?\.(png|jpg|gif|webp)")


class LocalFolderStorage:
    """Files in a folder, spread over subfolders by their name's first two digits.

    put, open, delete, exists: what any storage of uploads must offer.
    """

    def __init__(self, folder):
        self.folder = Path(folder)

    def _path(self, name):
        if not STORED_NAME.fullmatch(name):
            raise ValueError(f"not a stored name: {name!r}")
        return self.folder / name[:2] / name

    def put(self, name, data):
        """Store `data` as `name`, all or nothing (a reader never sees half a file)."""
        path = self._path(name)
        if path.exists():
            return  # the same name holds the same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, suffix=".partial")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def open(self, name):
        """A binary file object of the stored bytes, or None when there is no such file."""
        try:
            return self._path(name).open("rb")
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, name):
        self._path(name).unlink(missing_ok=True)

    def exists(self, name):
        try:
            return self._path(name).is_file()
        except ValueError:
            return False


def upload_folder():
    """UPLOAD_FOLDER, or instance/uploads (the folder backups take)."""
    configured = settings.get("UPLOAD_FOLDER")
    return Path(configured) if configured else Path(running_app().instance_path) / "uploads"


def storage():
    """The running app's storage of uploads: UPLOAD_STORAGE when set, else the folder."""
    return settings.get("UPLOAD_STORAGE") or LocalFolderStorage(upload_folder())
