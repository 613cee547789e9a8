"""Tests for unpacking untrusted tarballs."""

from __future__ import annotations

import gzip
import io
import stat
import tarfile
import tracemalloc
from pathlib import Path

import pytest

from docshelf.errors import SourceError
from docshelf.sources.archive import extract_tarball
from docshelf.sources.errors import CorruptArchiveError, UnsafeArchiveError

MiB = 1024 * 1024


def add_file(tar: tarfile.TarFile, name: str, data: bytes = b"hello\n", mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    tar.addfile(info, io.BytesIO(data))


def add_special(tar: tarfile.TarFile, name: str, kind: bytes, linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    tar.addfile(info)


def make_tgz(path: Path, build) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        build(tar)
    return path


def npm_like(tar: tarfile.TarFile) -> None:
    add_file(tar, "package/package.json", b'{"name": "x"}')
    add_file(tar, "package/docs/guide.md", b"# Guide\n")
    add_file(tar, "package/bin/run.js", b"#!/usr/bin/env node\n", mode=0o4755)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    return tmp_path


def test_extract_unpacks_npm_tarball_with_package_folder(work: Path) -> None:
    archive = make_tgz(work / "archive.tgz", npm_like)
    dest = work / "out" / "tree"

    result = extract_tarball(archive, dest, max_bytes=MiB)

    assert result == dest.absolute()
    assert (dest / "package" / "docs" / "guide.md").read_text() == "# Guide\n"
    assert (dest / "package" / "package.json").is_file()


def test_extract_does_not_assume_a_package_folder(work: Path) -> None:
    archive = make_tgz(work / "archive.tgz", lambda t: add_file(t, "README.md", b"top"))

    extract_tarball(archive, work / "out" / "tree", max_bytes=MiB)

    assert (work / "out" / "tree" / "README.md").read_text() == "top"


def test_extract_writes_safe_modes_and_drops_setuid(work: Path) -> None:
    archive = make_tgz(work / "archive.tgz", npm_like)
    dest = work / "out" / "tree"

    extract_tarball(archive, dest, max_bytes=MiB)

    assert stat.S_IMODE((dest / "package" / "bin" / "run.js").stat().st_mode) == 0o755
    assert stat.S_IMODE((dest / "package" / "package.json").stat().st_mode) == 0o644


def test_extract_accepts_dot_slash_names_and_directory_entries(work: Path) -> None:
    def build(tar: tarfile.TarFile) -> None:
        add_special(tar, "./", tarfile.DIRTYPE)
        add_special(tar, "./package", tarfile.DIRTYPE)
        add_file(tar, "./package/a.md", b"a")

    extract_tarball(make_tgz(work / "archive.tgz", build), work / "out" / "t", max_bytes=MiB)

    assert (work / "out" / "t" / "package" / "a.md").read_text() == "a"


def test_extract_reads_an_uncompressed_tar(work: Path) -> None:
    archive = work / "archive.tar"
    with tarfile.open(archive, "w") as tar:
        add_file(tar, "package/a.md", b"plain")

    extract_tarball(archive, work / "out" / "t", max_bytes=MiB)

    assert (work / "out" / "t" / "package" / "a.md").read_text() == "plain"


def test_extract_replaces_an_existing_destination_whole(work: Path) -> None:
    dest = work / "out" / "tree"
    (dest / "stale").mkdir(parents=True)
    (dest / "stale" / "old.md").write_text("old")

    extract_tarball(make_tgz(work / "archive.tgz", npm_like), dest, max_bytes=MiB)

    assert not (dest / "stale").exists()
    assert (dest / "package" / "package.json").is_file()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["tree"]


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda t: add_file(t, "../evil.txt"), "'..'"),
        (lambda t: add_file(t, "package/../../evil.txt"), "'..'"),
        (lambda t: add_file(t, "package\\..\\..\\evil.txt"), "'..'"),
        (lambda t: add_file(t, "/etc/evil.txt"), "absolute path"),
        (lambda t: add_file(t, "C:/evil.txt"), "absolute path"),
        (
            lambda t: add_special(t, "package/link", tarfile.SYMTYPE, "/etc/passwd"),
            "symbolic link",
        ),
        (
            lambda t: add_special(t, "package/link", tarfile.SYMTYPE, "../../outside"),
            "symbolic link",
        ),
        (
            lambda t: add_special(t, "package/hard", tarfile.LNKTYPE, "/etc/passwd"),
            "hard link",
        ),
        (lambda t: add_special(t, "package/null", tarfile.CHRTYPE), "device node"),
        (lambda t: add_special(t, "package/disk", tarfile.BLKTYPE), "device node"),
        (lambda t: add_special(t, "package/pipe", tarfile.FIFOTYPE), "named pipe"),
    ],
    ids=[
        "dotdot",
        "nested-dotdot",
        "backslash-dotdot",
        "absolute",
        "drive-letter",
        "symlink-absolute",
        "symlink-relative",
        "hardlink",
        "char-device",
        "block-device",
        "fifo",
    ],
)
def test_extract_refuses_unsafe_entries_and_leaves_nothing(work: Path, build, reason: str) -> None:
    def with_good_files_first(tar: tarfile.TarFile) -> None:
        add_file(tar, "package/ok.md", b"fine")
        build(tar)

    archive = make_tgz(work / "archive.tgz", with_good_files_first)
    dest = work / "out" / "tree"

    with pytest.raises(UnsafeArchiveError, match=reason) as caught:
        extract_tarball(archive, dest, max_bytes=MiB)

    assert "Refused to unpack" in str(caught.value)
    assert not dest.exists()
    assert list((work / "out").iterdir()) == []
    assert not (work / "evil.txt").exists()


def test_extract_refuses_a_file_entry_that_clashes_with_a_folder(work: Path) -> None:
    def build(tar: tarfile.TarFile) -> None:
        add_file(tar, "package/a/b.md")
        add_file(tar, "package/a")

    with pytest.raises(UnsafeArchiveError, match="clashes"):
        extract_tarball(make_tgz(work / "archive.tgz", build), work / "out" / "t", max_bytes=MiB)


def test_extract_refuses_content_over_the_size_cap(work: Path) -> None:
    def build(tar: tarfile.TarFile) -> None:
        for i in range(5):
            add_file(tar, f"package/part{i}.bin", b"x" * 400)

    dest = work / "out" / "tree"
    with pytest.raises(UnsafeArchiveError, match="more than 1000 bytes"):
        extract_tarball(make_tgz(work / "archive.tgz", build), dest, max_bytes=1000)

    assert list((work / "out").iterdir()) == []


def test_extract_stops_a_decompression_bomb_from_its_header(work: Path) -> None:
    archive = make_tgz(work / "archive.tgz", lambda t: add_file(t, "bomb.bin", bytes(20 * MiB)))
    assert archive.stat().st_size < 100_000

    with pytest.raises(UnsafeArchiveError, match="more than 1 MiB"):
        extract_tarball(archive, work / "out" / "tree", max_bytes=MiB)

    assert list((work / "out").iterdir()) == []


def test_extract_stops_a_bomb_hidden_after_the_end_of_the_tar(work: Path) -> None:
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        add_file(tar, "package/a.md")
    archive = work / "archive.tgz"
    archive.write_bytes(gzip.compress(tar_bytes.getvalue() + bytes(30 * MiB)))
    assert archive.stat().st_size < 100_000

    with pytest.raises(UnsafeArchiveError, match="more than"):
        extract_tarball(archive, work / "out" / "tree", max_bytes=MiB)

    assert list((work / "out").iterdir()) == []


def test_extract_refuses_too_many_entries(work: Path) -> None:
    def build(tar: tarfile.TarFile) -> None:
        for i in range(11):
            add_file(tar, f"package/{i}.md")

    with pytest.raises(UnsafeArchiveError, match="more than 10 entries"):
        extract_tarball(
            make_tgz(work / "archive.tgz", build), work / "out" / "t", max_bytes=MiB, max_members=10
        )


def test_extract_reports_a_truncated_gzip_as_corrupt(work: Path) -> None:
    archive = make_tgz(
        work / "archive.tgz", lambda t: add_file(t, "package/big.bin", bytes(range(256)) * 400)
    )
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    dest = work / "out" / "tree"

    with pytest.raises(CorruptArchiveError, match="truncated or corrupt") as caught:
        extract_tarball(archive, dest, max_bytes=MiB)

    assert "downloads a fresh copy" in str(caught.value)
    assert isinstance(caught.value, SourceError)
    assert list((work / "out").iterdir()) == []


def test_extract_reports_a_bad_gzip_checksum_as_corrupt(work: Path) -> None:
    archive = make_tgz(work / "archive.tgz", npm_like)
    data = archive.read_bytes()
    archive.write_bytes(data[:-8] + bytes(8))

    with pytest.raises(CorruptArchiveError, match="CRC"):
        extract_tarball(archive, work / "out" / "tree", max_bytes=MiB)

    assert list((work / "out").iterdir()) == []


def test_extract_reports_a_file_that_is_not_a_tarball_as_corrupt(work: Path) -> None:
    archive = work / "archive.tgz"
    archive.write_bytes(b"<html>502 Bad Gateway</html>" * 40)

    with pytest.raises(CorruptArchiveError):
        extract_tarball(archive, work / "out" / "tree", max_bytes=MiB)


def test_extract_keeps_an_existing_destination_when_the_new_archive_fails(work: Path) -> None:
    dest = work / "out" / "tree"
    dest.mkdir()
    (dest / "kept.md").write_text("kept")
    archive = make_tgz(work / "archive.tgz", lambda t: add_file(t, "../evil.txt"))

    with pytest.raises(UnsafeArchiveError):
        extract_tarball(archive, dest, max_bytes=MiB)

    assert (dest / "kept.md").read_text() == "kept"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["tree"]


def test_extract_missing_archive_says_to_fetch_again(work: Path) -> None:
    with pytest.raises(SourceError, match="fetch the package again"):
        extract_tarball(work / "nope.tgz", work / "out" / "tree", max_bytes=MiB)

    assert list((work / "out").iterdir()) == []


def test_an_oversized_pax_header_is_refused_before_it_is_read(work: Path) -> None:
    archive = work / "pax-bomb.tgz"
    declared = 64 * MiB  # of zeros: 64 KiB gzipped
    header = tarfile.TarInfo("././@PaxHeader")
    header.type = tarfile.XHDTYPE
    header.size = declared
    with gzip.open(archive, "wb") as out:
        out.write(header.tobuf(format=tarfile.USTAR_FORMAT))
        zeros = bytes(MiB)
        for _ in range(declared // MiB):
            out.write(zeros)
        out.write(bytes(1024))

    tracemalloc.start()
    try:
        with pytest.raises(UnsafeArchiveError, match="extended header of 64 MiB"):
            extract_tarball(archive, work / "out" / "tree", max_bytes=512 * MiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * MiB  # the header was never buffered
