"""Tests for unpacking untrusted zips (wheels, old sdists) and for the bomb-ratio limit."""

from __future__ import annotations

import io
import stat
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from docshelf.sources.archive import extract_archive, extract_tarball, extract_zip
from docshelf.sources.errors import CorruptArchiveError, UnsafeArchiveError

MiB = 1024 * 1024


def make_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def entry(name: str, mode: int = 0o100644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    return tmp_path


def test_a_wheel_unpacks_with_safe_modes(work: Path) -> None:
    archive = make_zip(
        work / "demo.whl",
        [
            ("demo/__init__.py", b""),
            (entry("demo/run.sh", 0o104755), b"#!/bin/sh\n"),
            ("demo-1.0.dist-info/METADATA", b"Name: demo\n"),
        ],
    )
    dest = extract_zip(archive, work / "out" / "tree", max_bytes=MiB)
    assert (dest / "demo-1.0.dist-info" / "METADATA").read_bytes() == b"Name: demo\n"
    assert stat.S_IMODE((dest / "demo" / "run.sh").stat().st_mode) == 0o755  # no setuid


def test_extract_archive_tells_zips_and_tarballs_apart(work: Path) -> None:
    zipped = make_zip(work / "a.zip", [("pkg/a.md", b"# A\n")])
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("pkg/b.md")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"# B\n"))
    (work / "b.tar.gz").write_bytes(buffer.getvalue())
    assert (extract_archive(zipped, work / "out" / "a", max_bytes=MiB) / "pkg" / "a.md").is_file()
    tarred = extract_archive(work / "b.tar.gz", work / "out" / "b", max_bytes=MiB)
    assert (tarred / "pkg" / "b.md").is_file()


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ([(entry("link", 0o120777), b"/etc/passwd")], "symbolic link"),
        ([(entry("fifo", 0o010644), b"")], "not a regular file"),
        ([("../escape.txt", b"x")], "climbs out"),
        ([("/abs.txt", b"x")], "absolute path"),
        ([("C:/win.txt", b"x")], "absolute path"),
        ([("a.txt", b"1"), ("A.TXT", b"2")], "appears twice"),
        ([("a", b"file"), ("a/b.txt", b"x")], "clashes"),
    ],
    ids=["symlink", "fifo", "dotdot", "absolute", "drive", "duplicate", "clash"],
)
def test_unsafe_zip_entries_are_refused_and_nothing_is_left(
    work: Path, entries: list, reason: str
) -> None:
    archive = make_zip(work / "bad.zip", entries)
    with pytest.raises(UnsafeArchiveError, match=reason):
        extract_zip(archive, work / "out" / "tree", max_bytes=MiB)
    assert list((work / "out").iterdir()) == []


def test_an_encrypted_entry_is_refused(work: Path) -> None:
    archive = make_zip(work / "secret.zip", [("secret.txt", b"x")])
    data = bytearray(archive.read_bytes())
    # zipfile cannot write encrypted entries; set the "encrypted" flag bit by hand.
    data[data.find(b"PK\x03\x04") + 6] |= 0x1
    data[data.find(b"PK\x01\x02") + 8] |= 0x1
    archive.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchiveError, match="encrypted"):
        extract_zip(archive, work / "out" / "tree", max_bytes=MiB)


def test_a_zip_declaring_more_content_than_the_cap_is_refused_before_writing(work: Path) -> None:
    archive = make_zip(work / "big.zip", [("a.bin", bytes(2 * MiB))])
    with pytest.raises(UnsafeArchiveError, match="more than 1 MiB"):
        extract_zip(archive, work / "out" / "tree", max_bytes=MiB)
    assert list((work / "out").iterdir()) == []


def test_too_many_entries_are_refused_from_the_end_record_before_zipfile_reads_them(
    work: Path,
) -> None:
    archive = make_zip(work / "many.zip", [(f"f{i}.txt", b"") for i in range(3)])
    data = bytearray(archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 10 : end + 12] = struct.pack("<H", 60_000)  # claims 60,000 entries
    archive.write_bytes(bytes(data))
    with pytest.raises(UnsafeArchiveError, match="more than 10 entries"):
        extract_zip(archive, work / "out" / "tree", max_bytes=MiB, max_members=10)


def test_a_zip_bomb_is_refused_by_its_ratio(work: Path) -> None:
    archive = make_zip(work / "bomb.zip", [("zeros.bin", bytes(4 * MiB))])
    assert archive.stat().st_size < 10_000
    with pytest.raises(UnsafeArchiveError, match="decompression bomb"):
        extract_zip(archive, work / "out" / "tree", max_bytes=64 * MiB, ratio_floor=MiB)


def test_a_tarball_bomb_is_refused_by_its_ratio(work: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("zeros.bin")
        info.size = 4 * MiB
        tar.addfile(info, io.BytesIO(bytes(4 * MiB)))
    (work / "bomb.tgz").write_bytes(buffer.getvalue())
    with pytest.raises(UnsafeArchiveError, match="100 times its own size"):
        extract_tarball(work / "bomb.tgz", work / "out" / "t", max_bytes=64 * MiB, ratio_floor=MiB)


def test_a_truncated_zip_is_reported_as_corrupt(work: Path) -> None:
    archive = make_zip(work / "cut.zip", [("a.txt", b"hello " * 1000)])
    archive.write_bytes(archive.read_bytes()[:-30])
    with pytest.raises(CorruptArchiveError, match="truncated or corrupt"):
        extract_zip(archive, work / "out" / "tree", max_bytes=MiB)
    assert list((work / "out").iterdir()) == []


def test_a_zip_with_a_bad_checksum_is_reported_as_corrupt(work: Path) -> None:
    archive = make_zip(work / "crc.zip", [(entry("a.txt"), b"hello world")])
    data = bytearray(archive.read_bytes())
    header = data.find(b"PK\x03\x04")
    data[header + 14 : header + 18] = b"\0\0\0\0"  # the local CRC-32
    central = data.find(b"PK\x01\x02")
    data[central + 16 : central + 20] = b"\0\0\0\0"  # and the central one
    archive.write_bytes(bytes(data))
    with pytest.raises(CorruptArchiveError):
        extract_zip(archive, work / "out" / "tree", max_bytes=MiB)
