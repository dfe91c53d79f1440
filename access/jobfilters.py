"""What a job list can be narrowed by: status, kind, site (origin, or origin and start path),
document name and a free-text search. The job store keeps each job's site and document in their
own indexed columns (:func:`site_of`, :func:`document_key`), so a platform can list one site's
audits over time without scanning every job."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from access.errors import ValidationFailed

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_of(url: str) -> tuple[str, str]:
    """(origin, start path) of a URL: ``https://Example.org:443/Courses/?x=1`` →
    (``https://example.org``, ``/Courses``). The path keeps its case and loses a trailing slash
    (the root stays ``/``); query and fragment are not part of a site."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed(f"{url!r} is not a valid URL.") from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        raise ValidationFailed(f"{url!r} is not an http(s) URL with a host.")
    if ":" in host:
        host = f"[{host}]"
    origin = f"{scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[scheme] else "")
    path = parts.path.rstrip("/") or "/"
    return origin, path


def document_key(filename: str | None) -> str | None:
    """A document's name as stored for filtering: compared without regard to case."""
    name = (filename or "").strip().lower()
    return name[:255] or None


@dataclass(frozen=True)
class JobFilter:
    status: str | None = None
    kind: str | None = None
    site: str | None = None          # an origin (every start path) or an origin with a path (that path and below)
    document: str | None = None      # a file name, any case
    search: str | None = None        # a substring of the site's URL or the document's name, any case

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for the ``next`` link of a page)."""
        names = {"status": self.status, "kind": self.kind, "site": self.site, "document": self.document,
                 "q": self.search}
        return {k: v for k, v in names.items() if v}
