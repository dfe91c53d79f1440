"""Who is browsing: sign-in with a tenant key once, then a server-side session; CSRF tokens.

- The session cookie (``access_session``) holds a random token; the store keeps only its SHA-256
  (:class:`access.store.WebSession`) with the key it was opened with and when it expires
  (``ACCESS_SESSION_HOURS``). Every request checks the session and the key: a revoked or expired
  key ends every session opened with it.
- CSRF: a double-submit token. The ``access_csrf`` cookie holds a random value that every form
  repeats in a hidden field; a POST whose field does not match the cookie is refused. A page of
  another site can neither read the cookie nor set it, so it cannot forge the field. Signing in
  replaces both cookies (no session fixation).
- Cookies are HttpOnly and SameSite=Lax, and Secure when the request came over HTTPS (or when
  ``ACCESS_SECURE_COOKIES`` says so).
- ``ACCESS_AUTH_MODE=none`` (single-user local mode): no sign-in, everything runs as the API's
  local tenant; CSRF tokens are still checked.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from access.config import AuthMode, Settings
from access.errors import Unauthorized
from access.keys import TENANT_SCOPES, Scope, key_problem
from access.models import utcnow
from api.deps import ADMIN_TENANT, LOCAL_TENANT, Caller, Services, ServicesDep

SESSION_COOKIE = "access_session"
CSRF_COOKIE = "access_csrf"
CSRF_FIELD = "csrf_token"
log = logging.getLogger(__name__)


class SignInRequired(Exception):
    """The page needs a signed-in browser: answered with a redirect to the sign-in page."""


class PageError(Exception):
    """A page that cannot be shown (not found, refused): answered with an HTML error page."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def secure_cookies(request: Request, settings: Settings) -> bool:
    if settings.secure_cookies is not None:
        return settings.secure_cookies
    return request.url.scheme == "https"


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser (made on its first page, sent back as a cookie)."""
    token = getattr(request.state, "csrf", None) or request.cookies.get(CSRF_COOKIE)
    if not token or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = True
    request.state.csrf = token
    return token


def finish_response(request: Request, response: Response, settings: Settings) -> Response:
    """Set the CSRF cookie when the page made a new token; pages are never cached or framed."""
    if getattr(request.state, "new_csrf", False):
        response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="lax",
                            secure=secure_cookies(request, settings), path="/")
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


async def checked_form(request: Request, **limits: int) -> FormData:
    """The POSTed form, once its CSRF field matches the browser's cookie (403 page otherwise)."""
    form = await request.form(**limits)
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        log.info("web form refused: CSRF token missing or wrong (%s %s)", request.method, request.url.path)
        raise PageError(403, "This form has expired",
                        "The form was not sent from this site, or it is too old. Go back, reload the page "
                        "and send it again.")
    return form


def session_caller(request: Request, svc: Services) -> Caller | None:
    """The caller of a signed-in browser (None: not signed in, or the session or its key ended)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    info = svc.store.session_key(token)
    if info is None:
        return None
    problem = key_problem(info, utcnow())
    if problem is not None:
        log.info("web session of key %s ended: %s", info.label, problem)
        return None
    return Caller(info.tenant, info.scopes, info.label)


def optional_caller(request: Request, svc: ServicesDep) -> Caller | None:
    if svc.settings.auth_mode is AuthMode.NONE:
        return Caller(LOCAL_TENANT, TENANT_SCOPES)
    caller = session_caller(request, svc)
    if caller is not None:
        request.state.tenant, request.state.key_prefix = caller.tenant, caller.key_prefix
    return caller


def web_caller(caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    if caller is None:
        raise SignInRequired()
    return caller


WebCallerDep = Annotated[Caller, Depends(web_caller)]
MaybeCallerDep = Annotated[Caller | None, Depends(optional_caller)]


def require(caller: Caller, scope: Scope) -> None:
    if scope not in caller.scopes:
        raise PageError(403, "Not allowed with this key",
                        f"The key you signed in with may not do this: it needs the '{scope.value}' permission. "
                        "Ask the person who gave you the key for one that has it.")


def open_session(request: Request, response: Response, svc: Services, key: str) -> Caller:
    """Check ``key`` and open a session for it: both cookies are set anew on ``response``."""
    key = key.strip()
    admin = svc.settings.admin_key
    if admin and hmac.compare_digest(key.encode(), admin.encode()):
        raise Unauthorized("This is the administrator's key, which owns no jobs. Sign in with a tenant's key "
                           "(the server's `make key` or `access keys create --tenant NAME` prints one).")
    info = svc.store.key_info(key) if key else None
    if info is None:
        raise Unauthorized("This key is not known here. Check that you copied the whole key (it starts with "
                           "acc_), or ask for a new one.")
    problem = key_problem(info, utcnow())
    if problem is not None:
        raise Unauthorized(problem)
    if info.tenant == ADMIN_TENANT:
        raise Unauthorized("This key belongs to the administrator and owns no jobs.")
    token = secrets.token_urlsafe(32)
    hours = svc.settings.session_hours
    svc.store.open_session(token, info, utcnow() + timedelta(hours=hours))
    secure = secure_cookies(request, svc.settings)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(hours * 3600), httponly=True, samesite="lax",
                        secure=secure, path="/")
    request.state.csrf = secrets.token_urlsafe(32)
    request.state.new_csrf = True
    log.info("web session opened for key %s (tenant %s)", info.label, info.tenant)
    return Caller(info.tenant, info.scopes, info.label)


def close_session(request: Request, response: Response, svc: Services) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        svc.store.close_session(token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
