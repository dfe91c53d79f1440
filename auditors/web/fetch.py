"""Plain HTTP fetches the crawl needs besides the browser (robots.txt, sitemaps, linked
documents): every redirect hop is checked by the URL guard, and bodies are size-limited."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from access.config import Settings
from access.errors import FileTooLarge, Timeout, UrlUnreachable
from access.netguard import check_redirect, check_url

MAX_REDIRECTS = 5


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes


def fetch(url: str, settings: Settings, *, allow_private: bool, max_bytes: int,
          timeout: float | None = None) -> Fetched:
    """GET ``url`` following at most five redirects, each checked like the first URL."""
    current = check_url(url, settings, allow_private=allow_private)
    headers = {"User-Agent": "access-audit (+accessibility audit)"}
    with httpx.Client(follow_redirects=False, timeout=timeout or settings.page_timeout, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = check_redirect(current, response.headers["location"], settings,
                                                 allow_private=allow_private)
                        continue
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise FileTooLarge(f"{current} is {declared} bytes; the limit is {max_bytes}.")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise FileTooLarge(f"{current} is larger than the limit of {max_bytes} bytes.")
                    return Fetched(url=current, status=response.status_code,
                                   content_type=response.headers.get("content-type", ""), body=bytes(body))
            except httpx.TimeoutException as exc:
                raise Timeout(f"{current} did not answer in time.") from exc
            except httpx.HTTPError as exc:
                raise UrlUnreachable(f"{current} could not be fetched: {exc}") from exc
    raise UrlUnreachable(f"{url} redirects more than {MAX_REDIRECTS} times.")
