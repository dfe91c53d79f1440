"""Paths inside a package (an EPUB container, a course package): references resolved the way a
reading system or an LMS resolves them, and names that would leave the package refused."""

from __future__ import annotations

import posixpath
from typing import Protocol
from urllib.parse import unquote


def clean_member(name: str) -> str | None:
    """A member path made canonical (``a/./b/../c.html`` → ``a/c.html``), or None when it leaves
    the package (``../x``, an absolute path) or names nothing."""
    name = name.replace("\\", "/")
    if not name or name.startswith("/"):
        return None
    normal = posixpath.normpath(name)
    if normal in (".", "") or normal.startswith("../") or normal == "..":
        return None
    return normal


def resolve_href(base: str, href: str) -> tuple[str | None, str]:
    """A relative reference made from the member ``base`` → (member path, fragment); the path is
    None for a reference that leaves the package, is absolute (another site) or is not a file."""
    href = href.strip()
    ref, _, fragment = href.partition("#")
    ref = ref.partition("?")[0]
    if ":" in ref.split("/")[0] or ref.startswith("//"):     # http:, mailto:, data: ...
        return None, fragment
    if not ref:
        return base, fragment
    joined = posixpath.join(posixpath.dirname(base), unquote(ref))
    return clean_member(joined), fragment


class Files(Protocol):
    """A package's files by their path inside it: an EPUB or course zip, an unpacked backup, or a
    fixture's dictionary."""

    def names(self) -> list[str]: ...

    def read(self, name: str) -> bytes: ...
