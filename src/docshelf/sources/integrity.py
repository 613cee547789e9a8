"""Subresource Integrity (SRI) hashes of npm tarballs: parse them, check downloads against them."""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path

from docshelf.sources.errors import IntegrityError

_HASHES = ("sha512", "sha384", "sha256", "sha1")  # strongest first
_CHUNK = 64 * 1024


def sri_from_shasum(shasum: str) -> str:
    """The SRI string of a hex sha1 (npm's older `dist.shasum`); "" when it is not one."""
    try:
        digest = bytes.fromhex(shasum)
    except ValueError:
        return ""
    return format_sri("sha1", digest) if len(digest) == 20 else ""


def find_strongest_hash(integrity: str) -> tuple[str, bytes] | None:
    """The strongest (algorithm, digest) in an SRI string that we can check."""
    found: dict[str, bytes] = {}
    for token in integrity.split():
        algo, _, rest = token.partition("-")
        algo = algo.lower()
        try:
            digest = base64.b64decode(rest.split("?")[0], validate=True)
        except (binascii.Error, ValueError):
            continue
        if algo in _HASHES and len(digest) == hashlib.new(algo).digest_size:
            found.setdefault(algo, digest)
    return next(((a, found[a]) for a in _HASHES if a in found), None)


def get_strongest_hash(integrity: str, package: str) -> tuple[str, bytes]:
    """Like `find_strongest_hash`; raises IntegrityError when `package` has no usable hash."""
    picked = find_strongest_hash(integrity)
    if picked is None:
        raise IntegrityError(
            f"The registry published no usable integrity hash for {package} "
            f"(got {integrity!r}); docshelf does not use unverified downloads. Use a registry "
            "that publishes dist.integrity or dist.shasum."
        )
    return picked


def check_digest(expected: tuple[str, bytes], digest: bytes, package: str) -> None:
    """Raise IntegrityError unless `digest` is the `expected` (algorithm, digest)'s."""
    algo, wanted = expected
    if digest != wanted:
        raise IntegrityError(
            f"The download of {package} does not match the registry's hash: expected "
            f"{format_sri(algo, wanted)}, got {format_sri(algo, digest)}. It was deleted. Try "
            "again; if it keeps failing, a proxy or mirror (npm_config_registry) is altering "
            "downloads."
        )


def format_sri(algo: str, digest: bytes) -> str:
    return f"{algo}-{base64.b64encode(digest).decode()}"


def file_matches(path: Path, integrity: str) -> bool:
    """Whether `path` is a file whose content has the strongest hash `integrity` names."""
    picked = find_strongest_hash(integrity)
    if picked is None or not path.is_file():
        return False
    hasher = hashlib.new(picked[0])
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            hasher.update(chunk)
    return hasher.digest() == picked[1]
