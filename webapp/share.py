"""Share links: signed, expiring download URLs a coordinator hands to a learner who has no key.

A link names the job, the file and when it stops working, and carries an HMAC-SHA256 of the three
and the job's tenant under the server's share secret: ``ACCESS_SHARE_SECRET``, else one derived
from ``ACCESS_SECRET_KEY``, else a random key made once in the data folder (``share-link.key``,
readable by the server's user only, beside the files it unlocks), so links work after `make run`.
Nothing is stored per link: deleting the job revokes every link to its files (the job is gone),
changing the secret (or deleting the key file) revokes every link at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

from access.config import Settings

PREFIX = "/share"
KEY_FILE = "share-link.key"


def share_key(settings: Settings) -> bytes | None:
    """The HMAC key of share links (None only when the data folder cannot hold one)."""
    if settings.share_secret is not None and settings.share_secret.get_secret_value():
        return settings.share_secret.get_secret_value().encode()
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return hmac.new(settings.secret_key.get_secret_value().encode(), b"access share links",
                        hashlib.sha256).digest()
    path = settings.resolved_data_dir / KEY_FILE
    if not path.is_file():
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f"{KEY_FILE}.{secrets.token_hex(4)}")
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):      # the first process to link its draft wins
                os.link(draft, path)
            draft.unlink()
    try:
        key = path.read_text().strip()
    except OSError:
        return None
    return key.encode() if len(key) >= 32 else None


def signature(key: bytes, tenant: str, job_id: str, name: str, expires: int) -> str:
    message = "\n".join((tenant, job_id, name, str(expires))).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ShareLink:
    path: str           # /share/{job}/{name}?expires=…&sig=…
    expires: int        # Unix time


def make_link(key: bytes, tenant: str, job_id: str, name: str, days: float, now: float | None = None) -> ShareLink:
    expires = int((now if now is not None else time.time()) + days * 86400)
    sig = signature(key, tenant, job_id, name, expires)
    return ShareLink(f"{PREFIX}/{job_id}/{quote(name)}?expires={expires}&sig={sig}", expires)


def link_problem(key: bytes, tenant: str, job_id: str, name: str, expires: int, sig: str,
                 now: float | None = None) -> str | None:
    """Why a share link does not work (None when it does)."""
    if not hmac.compare_digest(signature(key, tenant, job_id, name, expires), sig):
        return "This link is not valid: it was changed, or made for another file."
    if expires <= (now if now is not None else time.time()):
        return "This link has expired. Ask the person who gave it to you for a new one."
    return None
