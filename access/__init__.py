"""access: audit learning websites and documents for accessibility; convert learning materials into
accessible formats. The core package (see docs/architecture.md)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("access")
except PackageNotFoundError:      # run from a checkout that was never installed
    __version__ = "0+unknown"


def access_version() -> str:
    """This installation's version of access (``0+unknown`` in a source tree that is not installed)."""
    return __version__
