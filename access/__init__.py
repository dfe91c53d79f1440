"""access: audit learning websites and documents for accessibility; convert learning materials into
accessible formats. The core package (see docs/architecture.md)."""

from __future__ import annotations


def access_version() -> str:
    """This installation's version of access (``0+unknown`` in a source tree that is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("access")
    except PackageNotFoundError:
        return "0+unknown"
