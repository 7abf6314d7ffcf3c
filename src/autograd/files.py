"""How every file opgrad saves (drawings, plots, models) reaches the disk, atomically."""

from __future__ import annotations

import contextlib
import os
import stat
import uuid
from pathlib import Path

__all__ = ["write_atomic"]

_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows opens files in text mode without it


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes (a str is encoded as UTF-8) go to a temporary file in the same directory, are
    flushed to disk, and the temporary file is renamed over ``path``; on any failure it is
    removed and an existing ``path`` is left as it was. A new file gets the permissions a plain
    ``open`` would give (0o666 less the umask), an existing one keeps its mode. Missing parent
    directories are created. If ``path`` is a symbolic link, the file it points to is replaced
    and the link kept, as a plain ``open`` would write through it.

    Args:
        path: Where to write.
        data: What to write.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.
    """
    given = Path(path)
    target = given.resolve() if given.is_symlink() else given
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    # os.open rather than tempfile.mkstemp: mkstemp makes the file private (0600).
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    # Make the rename itself durable; directories cannot be opened on every platform (Windows).
    with contextlib.suppress(OSError):
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return given
