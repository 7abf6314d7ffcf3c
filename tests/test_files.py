import os
import stat
from pathlib import Path

import pytest

from autograd import write_atomic


def test_write_atomic_writes_bytes_and_text_creating_directories(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "a" / "b" / "f.txt", "héllo\n")
    assert path == tmp_path / "a" / "b" / "f.txt"
    assert path.read_bytes() == "héllo\n".encode()
    write_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert [p.name for p in path.parent.iterdir()] == ["f.txt"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_atomic(tmp_path / "model.json", "old")

    def broken_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_write_atomic_keeps_an_existing_mode_and_follows_the_umask_for_new_files(
    tmp_path: Path,
) -> None:
    old_umask = os.umask(0o022)
    try:
        fresh = write_atomic(tmp_path / "fresh", "x")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept"
        kept.write_text("x")
        kept.chmod(0o600)
        write_atomic(kept, "y")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert kept.read_text() == "y"
    finally:
        os.umask(old_umask)


def test_write_atomic_writes_through_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "models" / "model.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert write_atomic(link, "new") == link
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["model.json"]


def test_write_atomic_refuses_a_loop_of_links_naming_the_path(tmp_path: Path) -> None:
    loop = tmp_path / "l.json"
    loop.symlink_to(loop.name)
    with pytest.raises(OSError, match=r"a loop of symbolic links: '.*l\.json'$") as caught:
        write_atomic(loop, "x")
    assert caught.value.filename == str(loop)
    assert loop.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.json"]


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "link to a device"])
def test_write_atomic_replaces_only_a_regular_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "out.json"
    if kind == "fifo":
        os.mkfifo(path)
        what = r"a named pipe \(FIFO\)"
    elif kind == "directory":
        path.mkdir()
        what = "a directory"
    else:
        what = "a character device"
        device = _a_character_device(tmp_path)
        if kind == "device":
            path = device
        else:
            path.symlink_to(device)
    before = os.stat(path, follow_symlinks=False)
    with pytest.raises(OSError, match=rf"is {what}, not a regular file") as caught:
        write_atomic(path, "x")
    assert caught.value.filename == str(path)
    after = os.stat(path, follow_symlinks=False)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _a_character_device(tmp_path: Path) -> Path:
    """A character device that a broken write_atomic could replace without harm.

    As root, a copy of /dev/null made with mknod in ``tmp_path`` (root could replace the real
    one); otherwise /dev/null itself, which only root may replace.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        return device
    return Path("/dev/null")


def test_write_atomic_errors_name_the_target_not_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    path.write_text("old")

    def full_disk(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device", os.fspath(src))

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match=r"No space left on device: '.*model\.json'$") as caught:
        write_atomic(path, "new")
    assert caught.value.filename == str(path)
    assert ".tmp" not in str(caught.value)
    assert path.read_text() == "old"
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o500)
    try:
        if os.access(tmp_path / "ro", os.W_OK):
            return  # root writes anywhere
        with pytest.raises(PermissionError) as denied:
            write_atomic(tmp_path / "ro" / "x.json", "new")
        assert denied.value.filename == str(tmp_path / "ro" / "x.json")
    finally:
        (tmp_path / "ro").chmod(0o700)


def _killed_write(target: Path, age: float, tag: str = "0123456789ab") -> Path:
    """A temporary file as a write killed before its rename leaves it, ``age`` seconds old."""
    stale = target.with_name(f".{target.name}.{tag}.tmp")
    stale.write_bytes(b"x" * 1000)
    os.utime(stale, (stale.stat().st_mtime - age,) * 2)
    return stale


def test_write_atomic_removes_the_temporary_files_of_killed_writes_to_the_same_target(
    tmp_path: Path,
) -> None:
    target = tmp_path / "model.json"
    stale = _killed_write(target, age=60.0)
    fresh = _killed_write(tmp_path / "other.json", age=60.0)  # another target's: kept
    lookalike = tmp_path / ".model.json.not-ours.tmp"  # not our naming pattern: kept
    lookalike.write_text("mine")
    write_atomic(target, "new")
    assert not stale.exists()
    assert fresh.exists()
    assert lookalike.exists()
    assert target.read_text() == "new"


def test_write_atomic_keeps_the_temporary_file_of_a_write_in_progress(tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    target = tmp_path / "model.json"
    busy = _killed_write(target, age=60.0)
    with busy.open("rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a live writer holds it
        write_atomic(target, "new")
        assert busy.exists()
    young = _killed_write(target, age=0.0, tag="ba9876543210")  # as one just made
    busy.unlink()
    write_atomic(target, "newer")
    assert young.exists()
