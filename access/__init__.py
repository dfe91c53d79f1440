"""access: audit learning materials for accessibility and convert them to accessible formats."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("access")
except PackageNotFoundError:      # run from a checkout that was never installed
    __version__ = "0.0.0+unknown"
