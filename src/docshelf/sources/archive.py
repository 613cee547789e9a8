"""Unpack untrusted package archives (tarballs, zips) safely, atomically, within a size budget."""

from __future__ import annotations

import gzip
import os
import shutil
import stat
import struct
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO

from docshelf.errors import SourceError
from docshelf.settings import get_float
from docshelf.sources.errors import CorruptArchiveError, UnsafeArchiveError

_CHUNK = 64 * 1024
# Tar headers, long-name records and block padding are not file content but still
# come out of the decompressor; this is the allowance for them on top of max_bytes.
_PER_MEMBER_ALLOWANCE = 4096
_SLACK = 1024 * 1024
# Extended headers (pax records, GNU long names) are read into memory whole by tarfile;
# real ones are a few hundred bytes, so anything past this is refused before it is read.
MAX_EXTENDED_HEADER = 1024 * 1024
_EXTENDED = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)
_GNU_LONG = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# An archive may always unpack to RATIO_FLOOR; past that, to at most MAX_RATIO times its
# own size. Real packages compress text 3-10x; a bomb compresses zeros 1000x.
MAX_RATIO = 100
RATIO_FLOOR = 64 * 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def max_archive_bytes() -> int:
    """The largest package, downloaded or unpacked, that docshelf accepts (a setting)."""
    return int(get_float("max_archive_mb") * 1024 * 1024)


class _Refused(Exception):
    """A member breaks a safety rule; the text says which."""


class _Corrupt(Exception):
    """The compressed stream could not be read (raised from inside tarfile's reads)."""


class _Overflow(Exception):
    """More bytes were decompressed than the budget allows."""


class _Budget:
    """How many bytes an archive may unpack to: the size cap, or less for a likely bomb."""

    def __init__(self, archive_size: int, max_bytes: int, max_ratio: int, floor: int) -> None:
        self.max_bytes = max_bytes
        self.ratio_limit = max(floor, archive_size * max_ratio)
        self.max_ratio = max_ratio
        self.bytes = min(max_bytes, self.ratio_limit)

    def problem(self) -> str:
        if self.bytes < self.max_bytes:
            return (
                f"it unpacks to more than {self.max_ratio} times its own size, "
                f"{_format_size(self.bytes)} (a decompression bomb)"
            )
        return (
            f"it unpacks to more than {_format_size(self.max_bytes)} (raise "
            "DOCSHELF_MAX_ARCHIVE_MB if the package is really that large)"
        )


class _BoundedReader:
    """A read-only stream that fails as soon as more than `limit` bytes come out of it.

    It sits between the decompressor and tarfile, so a gzip bomb is cut off after
    `limit` bytes of output instead of after it has filled the disk or memory.
    """

    def __init__(self, raw: gzip.GzipFile | IO[bytes], limit: int) -> None:
        self._raw = raw
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0 or self.count + size > self.limit:
            size = self.limit - self.count + 1
        try:
            data = self._raw.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise _Corrupt(str(exc) or type(exc).__name__) from exc
        self.count += len(data)
        if self.count > self.limit:
            raise _Overflow
        return data


class _CheckedTarInfo(tarfile.TarInfo):
    """A TarInfo that refuses an oversized extended header, and sparse files, before
    tarfile reads them (`_proc_member` is tarfile's documented hook for subclasses)."""

    def _proc_member(self, archive: tarfile.TarFile) -> tarfile.TarInfo:  # type: ignore[override]
        if self.type in _EXTENDED + _GNU_LONG and self.size > MAX_EXTENDED_HEADER:
            raise _Refused(
                f"it has an extended header of {_format_size(self.size)} (real ones are a few "
                "hundred bytes), made to exhaust memory"
            )
        if self.type == tarfile.GNUTYPE_SPARSE:
            raise _Refused(f"entry {self.name!r} is a sparse file")
        return super()._proc_member(archive)  # type: ignore[misc, no-any-return]


def _open_stream(file: IO[bytes]) -> gzip.GzipFile | IO[bytes]:
    magic = file.read(2)
    file.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=file, mode="rb")
    return file  # an uncompressed tar; tarfile reports anything else as invalid


def _check_name(name: str) -> PurePosixPath | None:
    """The member's path relative to the destination; None for the root itself."""
    if not name:
        raise _Refused("an entry has an empty name")
    if name.startswith(("/", "\\")) or PureWindowsPath(name).drive:
        raise _Refused(f"entry {name!r} has an absolute path")
    if ".." in name.replace("\\", "/").split("/"):
        raise _Refused(f"entry {name!r} climbs out of the folder with '..'")
    kept = [p for p in name.split("/") if p not in ("", ".")]
    return PurePosixPath(*kept) if kept else None


def _check_kind(member: tarfile.TarInfo) -> None:
    if member.issym():
        raise _Refused(f"entry {member.name!r} is a symbolic link (to {member.linkname!r})")
    if member.islnk():
        raise _Refused(f"entry {member.name!r} is a hard link (to {member.linkname!r})")
    if member.ischr() or member.isblk():
        raise _Refused(f"entry {member.name!r} is a device node")
    if member.isfifo():
        raise _Refused(f"entry {member.name!r} is a named pipe")
    if not (member.isreg() or member.isdir()):
        raise _Refused(f"entry {member.name!r} has an unsupported type {member.type!r}")


def _target(root: Path, member: tarfile.TarInfo, relative: PurePosixPath) -> Path:
    target = root.joinpath(*relative.parts)
    resolved = target.resolve()
    if resolved != root and not resolved.is_relative_to(root):
        raise _Refused(f"entry {member.name!r} resolves outside the destination folder")
    data_filter = getattr(tarfile, "data_filter", None)  # Python 3.11.4 and later
    if data_filter is not None:
        # A second opinion from the standard library; our own checks come first.
        try:
            data_filter(member, str(root))
        except tarfile.FilterError as exc:
            raise _Refused(f"entry {member.name!r} was rejected: {exc}") from None
    return target


def _write_file(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, budget: int) -> int:
    """Copy one member's bytes to `target`; return how many were written."""
    source = tar.extractfile(member)
    if source is None:  # pragma: no cover - tarfile gives a stream for every regular file
        raise _Refused(f"entry {member.name!r} has no readable content")
    target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    # O_NOFOLLOW: never write through a link, even though none can be created here.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_NOFOLLOW, 0o600)
    written = 0
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > budget:
                raise _Overflow
            out.write(chunk)
    # Fixed modes: nothing setuid, group- or world-writable comes out of an archive.
    target.chmod(0o755 if member.mode & 0o111 else 0o644)
    return written


def _unpack_member(tar: tarfile.TarFile, member: tarfile.TarInfo, root: Path, budget: int) -> int:
    """Validate and write one member; return the bytes of content written."""
    _check_kind(member)
    relative = _check_name(member.name)
    if relative is None:
        return 0
    target = _target(root, member, relative)
    try:
        if member.isdir():
            target.mkdir(mode=0o755, parents=True, exist_ok=True)
            return 0
        if member.size > budget:
            raise _Overflow  # known from the header, before a byte of it is read
        return _write_file(tar, member, target, budget)
    except (FileExistsError, IsADirectoryError, NotADirectoryError):
        raise _Refused(f"entry {member.name!r} clashes with an earlier entry") from None


def _unpack_into(file: IO[bytes], root: Path, budget: _Budget, max_members: int) -> None:
    max_bytes = budget.bytes
    total = 0
    members = 0
    with _open_stream(file) as stream:
        reader = _BoundedReader(stream, max_bytes + _SLACK)
        # Stream mode reads strictly front to back, so the limits apply as data arrives.
        with tarfile.open(  # type: ignore[call-overload]
            fileobj=reader, mode="r|", tarinfo=_CheckedTarInfo
        ) as tar:
            for member in tar:
                members += 1
                if members > max_members:
                    raise _Refused(f"it has more than {max_members} entries")
                reader.limit += _PER_MEMBER_ALLOWANCE
                total += _unpack_member(tar, member, root, max_bytes - total)
        # Read to the end so gzip checks its CRC and length trailer, which tarfile
        # never reaches when it stops at the end-of-archive marker.
        while reader.read(_CHUNK):
            pass


def _format_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size} bytes"
    return f"{size / 1024 / 1024:.0f} MiB"


def _swap_into_place(staging: Path, dest: Path) -> None:
    if not dest.exists():
        os.replace(staging, dest)
        return
    # A directory cannot be renamed over a non-empty one: move the old one aside.
    old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=dest.parent))
    os.replace(dest, old / dest.name)
    os.replace(staging, dest)
    shutil.rmtree(old, ignore_errors=True)


def extract_tarball(
    archive: Path,
    dest: Path,
    *,
    max_bytes: int,
    max_members: int = 50_000,
    max_ratio: int = MAX_RATIO,
    ratio_floor: int = RATIO_FLOOR,
) -> Path:
    """Unpack the untrusted (gzipped) tarball `archive` into the folder `dest`.

    Links, devices, absolute or escaping paths, more than `max_members` entries and
    more than `max_bytes` of content (or, past `ratio_floor`, more than `max_ratio`
    times the archive's size) are refused with UnsafeArchiveError; a damaged file
    raises CorruptArchiveError. The tree appears at `dest` all at once, replacing
    any folder there, or not at all. Returns `dest`.
    """
    return _extract(archive, dest, _unpack_into, max_bytes, max_members, max_ratio, ratio_floor)


def extract_zip(
    archive: Path,
    dest: Path,
    *,
    max_bytes: int,
    max_members: int = 50_000,
    max_ratio: int = MAX_RATIO,
    ratio_floor: int = RATIO_FLOOR,
) -> Path:
    """Unpack the untrusted zip (a wheel, an old sdist) `archive` into `dest`.

    The same rules as `extract_tarball`: no links, devices, escaping paths or encrypted
    entries, and the entry count and sizes are checked from the zip's directory before
    a byte is written, then enforced again while writing.
    """
    return _extract(archive, dest, _unpack_zip, max_bytes, max_members, max_ratio, ratio_floor)


def extract_archive(
    archive: Path, dest: Path, *, max_bytes: int, max_members: int = 50_000
) -> Path:
    """Unpack a zip or a (gzipped) tarball, told apart by its first bytes."""
    try:
        with Path(archive).open("rb") as file:
            magic = file.read(4)
    except OSError:
        magic = b""  # _extract reports the missing file
    unpack = extract_zip if magic in _ZIP_MAGIC else extract_tarball
    return unpack(archive, dest, max_bytes=max_bytes, max_members=max_members)


_Unpacker = Callable[[IO[bytes], Path, _Budget, int], None]


def _extract(
    archive: Path,
    dest: Path,
    unpack: _Unpacker,
    max_bytes: int,
    max_members: int,
    max_ratio: int,
    ratio_floor: int,
) -> Path:
    dest = Path(dest).absolute()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
        )
    except OSError as exc:
        raise SourceError(
            f"Cannot create a folder in {dest.parent}: {exc}. Check that it is writable, or "
            "point DOCSHELF_HOME at a folder that is."
        ) from exc
    budget = _Budget(0, max_bytes, max_ratio, ratio_floor)
    try:
        try:
            with Path(archive).open("rb") as file:
                budget = _Budget(os.fstat(file.fileno()).st_size, max_bytes, max_ratio, ratio_floor)
                unpack(file, staging.resolve(), budget, max_members)
        except _Refused as exc:
            raise UnsafeArchiveError(str(archive), str(exc)) from None
        except _Overflow:
            raise UnsafeArchiveError(str(archive), budget.problem()) from None
        except _Corrupt as exc:
            raise CorruptArchiveError(str(archive), str(exc)) from None
        except (tarfile.TarError, zipfile.BadZipFile) as exc:
            raise CorruptArchiveError(str(archive), str(exc) or type(exc).__name__) from None
        except OSError as exc:
            raise SourceError(
                f"Could not unpack {archive} into {dest.parent}: {exc}. Check that the archive "
                "exists and the folder is writable with room on the disk, then fetch the "
                "package again."
            ) from exc
        _swap_into_place(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def _zip_entry_count(file: IO[bytes]) -> int:
    """The entry count a zip's end record declares, read before zipfile loads its directory.

    zipfile builds an object per entry up front, so a zip claiming millions of entries
    would fill memory before any count could be checked.
    """
    size = file.seek(0, os.SEEK_END)
    tail_start = max(0, size - (22 + 65_535))
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise _Corrupt("it has no zip end-of-directory record")
    count = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    locator = tail.rfind(b"PK\x06\x07", 0, at)
    if locator >= 0 and len(tail) >= locator + 20:
        # ZIP64: the real count sits in the ZIP64 end record the locator points to.
        offset = struct.unpack("<Q", tail[locator + 8 : locator + 16])[0]
        file.seek(offset)
        record = file.read(56)
        if len(record) == 56 and record[:4] == b"PK\x06\x06":
            count = max(count, struct.unpack("<Q", record[32:40])[0])
    file.seek(0)
    return count


def _unpack_zip(file: IO[bytes], root: Path, budget: _Budget, max_members: int) -> None:
    if _zip_entry_count(file) > max_members:
        raise _Refused(f"it has more than {max_members} entries")
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > max_members:
                raise _Refused(f"it has more than {max_members} entries")
            if sum(e.file_size for e in entries) > budget.bytes:
                raise _Overflow  # known from the directory, before a byte is written
            total = 0
            written: set[str] = set()
            for entry in entries:
                total += _unpack_zip_entry(archive, entry, root, budget.bytes - total, written)
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise _Corrupt(str(exc) or type(exc).__name__) from exc


def _unpack_zip_entry(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, root: Path, budget: int, written: set[str]
) -> int:
    name = entry.filename
    kind = stat.S_IFMT(entry.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise _Refused(f"entry {name!r} is a symbolic link")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _Refused(f"entry {name!r} is not a regular file or folder")
    if entry.flag_bits & 0x1:
        raise _Refused(f"entry {name!r} is encrypted")
    relative = _check_name(name)
    if relative is None:
        return 0
    target = root.joinpath(*relative.parts)
    resolved = target.resolve()
    if resolved != root and not resolved.is_relative_to(root):
        raise _Refused(f"entry {name!r} resolves outside the destination folder")
    key = relative.as_posix().lower()
    try:
        if entry.is_dir():
            target.mkdir(mode=0o755, parents=True, exist_ok=True)
            return 0
        if key in written:
            raise _Refused(f"entry {name!r} appears twice")
        written.add(key)
        if entry.file_size > budget:
            raise _Overflow
        target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW, 0o600)
        count = 0
        with os.fdopen(fd, "wb") as out, archive.open(entry) as source:
            while chunk := source.read(_CHUNK):
                count += len(chunk)
                if count > budget:
                    raise _Overflow
                out.write(chunk)
    except (FileExistsError, IsADirectoryError, NotADirectoryError):
        raise _Refused(f"entry {name!r} clashes with an earlier entry") from None
    executable = (entry.external_attr >> 16) & 0o111
    target.chmod(0o755 if executable else 0o644)
    return count
