"""Documents linked from a site (PDF, DOCX, PPTX): downloaded through the URL guard with a size
limit and audited by whichever document auditor is registered for the format."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from access import services
from access.context import Context
from access.errors import AccessError
from access.models import AuditedPart, AuditOptions, Finding
from auditors.web.fetch import fetch
from auditors.web.settings import WebSettings

log = logging.getLogger(__name__)


def audit_linked_documents(urls: list[str], options: AuditOptions, ctx: Context,
                           crawl_delay: float = 0.0) -> tuple[list[AuditedPart], list[Finding]]:
    parts: list[AuditedPart] = []
    findings: list[Finding] = []
    for url in urls[: ctx.settings.max_crawl_pages]:
        ctx.check_cancelled()
        try:
            got = fetch(url, ctx.settings, allow_private=options.allow_private,
                        max_bytes=ctx.plugin_settings(WebSettings).max_document_bytes, crawl_delay=crawl_delay,
                        check_cancelled=ctx.check_cancelled)
            if got.status >= 400:
                raise AccessError(f"The server answered HTTP {got.status}.")
            name = Path(urlsplit(got.url).path).name or "document"
            with tempfile.TemporaryDirectory(prefix="access-doc-") as tmp:
                path = Path(tmp) / name
                path.write_bytes(got.body)
                source = services.source_file(path, name, ctx.settings)
                report = services.audit_file(source, options, services.make_context(ctx.settings))
        except AccessError as exc:
            parts.append(AuditedPart(id=url, status="failed", error={"code": exc.code, "message": exc.message}))
            continue
        parts.append(AuditedPart(id=url, title=name, status="audited"))
        for f in report.findings:
            f.location.url = url
            findings.append(f)
    return parts, findings
