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
