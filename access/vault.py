"""Secrets at rest: sign-in credentials and browser sessions sealed with the server key.

The key is the ``ACCESS_SECRET_KEY`` setting: one Fernet key (``cryptography``'s authenticated
AES-128-CBC + HMAC-SHA256 recipe), or several separated by commas to rotate keys (the first seals,
every one opens: ``MultiFernet``). Generate one with ``access keys secret``. Without a key the API
refuses credentials (:func:`server_cipher`); a process that keeps sealed data only in its own memory
(the CLI) seals with a key made for the process and forgotten when it exits (:func:`cipher`).
"""

from __future__ import annotations

import threading

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from access.config import Settings
from access.errors import AccessError, ValidationFailed

_PROCESS_KEY: list[bytes] = []
_LOCK = threading.Lock()


class SecretKeyMissing(ValidationFailed):
    """This server keeps no sign-in credentials: it has no ACCESS_SECRET_KEY."""


def new_key() -> str:
    return Fernet.generate_key().decode()


def _keys(settings: Settings) -> list[str]:
    raw = settings.secret_key.get_secret_value() if settings.secret_key is not None else ""
    return [k.strip() for k in raw.split(",") if k.strip()]


def has_server_key(settings: Settings) -> bool:
    return bool(_keys(settings))


def server_cipher(settings: Settings) -> MultiFernet:
    """The server key's cipher; ``SecretKeyMissing`` (a clear ``invalid_request``) without one."""
    keys = _keys(settings)
    if not keys:
        raise SecretKeyMissing(
            "This server cannot keep sign-in credentials (headers, cookies, basic auth, sign-in steps): "
            "it has no secret key. Its administrator sets ACCESS_SECRET_KEY (make one with "
            "`access keys secret`); until then audit public pages only.")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise AccessError("ACCESS_SECRET_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes).") from exc


def cipher(settings: Settings) -> MultiFernet:
    """The server key's cipher, else one for this process only (its sealed data dies with it)."""
    if has_server_key(settings):
        return server_cipher(settings)
    with _LOCK:
        if not _PROCESS_KEY:
            _PROCESS_KEY.append(Fernet.generate_key())
        return MultiFernet([Fernet(_PROCESS_KEY[0])])


def seal(data: bytes, settings: Settings, *, server: bool = False) -> str:
    """``data`` sealed; with ``server`` only with the server key (data another process will open)."""
    return (server_cipher(settings) if server else cipher(settings)).encrypt(data).decode("ascii")


def unseal(token: str, settings: Settings) -> bytes:
    """The sealed bytes; ``AccessError`` when the key changed or the token was tampered with."""
    try:
        return cipher(settings).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError) as exc:
        raise AccessError("Sealed sign-in data could not be opened (the server key changed?).") from exc
