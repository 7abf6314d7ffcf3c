"""How every file opgrad saves (drawings, plots, models) reaches the disk, atomically."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
import uuid
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: stale temporary files are recognised by their age alone
    fcntl = None  # type: ignore[assignment]

__all__ = ["replaced_file", "write_atomic"]

_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows opens files in text mode without it

# A temporary file is `.NAME.<12 hex digits>.tmp` next to its target. One left behind by a
# writer that was killed is removed by the next successful write to the same target, once it is
# older than this and (where files can be locked) no writer holds its lock.
_STALE_SECONDS = 2.0
_STALE_WITHOUT_LOCKS = 3600.0

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes (a str is encoded as UTF-8) go to a temporary file in the same directory, are
    flushed to disk, and the temporary file is renamed over ``path``; on any failure it is
    removed and an existing ``path`` is left as it was. A new file gets the permissions a plain
    ``open`` would give (0o666 less the umask), an existing one keeps its mode. Missing parent
    directories are created. If ``path`` is a symbolic link, the file it points to is replaced
    and the link kept, as a plain ``open`` would write through it.

    Only a regular file is ever replaced: a directory, a device (``/dev/null``), a named pipe
    or a socket at ``path`` (or at the end of its links) is refused, as is a loop of symbolic
    links, before anything is written. Errors name ``path``, never the temporary file. A
    temporary file of a write that was killed (``kill -9``, a power cut) is removed by the next
    successful write to the same target.

    Args:
        path: Where to write.
        data: What to write.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.

    Raises:
        OSError: ``path`` is not a regular file, is a loop of links, or cannot be written; the
            message and ``filename`` name ``path``.
    """
    given = Path(path)
    target = replaced_file(given)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # os.open rather than tempfile.mkstemp: mkstemp makes the file private (0600).
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
    except OSError as error:
        raise _naming(error, given) from error
    try:
        if fcntl is not None:  # held until closed: a cleaner sees the file is in use
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(error, given) from error
        raise
    # Make the rename itself durable; directories cannot be opened on every platform (Windows).
    with contextlib.suppress(OSError):
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    _remove_stale(target)
    return given


def replaced_file(path: str | os.PathLike[str]) -> Path:
    """The file :func:`write_atomic` would replace at ``path``: ``path``, or where its links lead.

    Lets a program check a path it will write to before doing the work (the command line checks
    ``--save`` before training); nothing is written.

    Raises:
        OSError: ``path`` is (or leads to) something other than a regular file, or is a loop
            of symbolic links: the error :func:`write_atomic` would raise, naming ``path``.
    """
    given = Path(path)
    try:
        target = Path(os.path.realpath(given)) if given.is_symlink() else given
        info = target.stat()
    except FileNotFoundError:
        return target  # a new file (or a link to one not made yet)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "a loop of symbolic links", str(given)) from None
        if error.errno in (errno.ENOTDIR, errno.EACCES, errno.ENAMETOOLONG):
            raise _naming(error, given) from None
        raise
    for test, kind in _KINDS:
        if test(info.st_mode):
            where = "" if target == given else f" (where the link {given} leads)"
            raise OSError(
                errno.EISDIR if kind == "a directory" else errno.EINVAL,
                f"{target}{where} is {kind}, not a regular file (only one is ever replaced)",
                str(given),
            )
    return target


def _naming(error: OSError, given: Path) -> OSError:
    """``error`` again, of the same type, naming ``given`` rather than a temporary file."""
    try:
        return type(error)(error.errno, error.strerror or str(error), str(given))
    except TypeError:  # a subclass with another constructor
        return OSError(error.errno, error.strerror or str(error), str(given))


def _remove_stale(target: Path) -> None:
    """Remove the temporary files of writes to ``target`` that died before renaming them."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{12}}\.tmp")
    now = time.time()
    try:
        names = [entry for entry in os.scandir(target.parent) if pattern.fullmatch(entry.name)]
    except OSError:
        return
    for entry in names:
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            age = now - info.st_mtime
            if not stat.S_ISREG(info.st_mode) or age < _STALE_SECONDS:
                continue
            if fcntl is None:
                if age >= _STALE_WITHOUT_LOCKS:
                    os.unlink(entry.path)
                continue
            handle = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # in use: BlockingIOError
                os.unlink(entry.path)
            finally:
                os.close(handle)
