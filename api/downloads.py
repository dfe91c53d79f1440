"""A stored file as an HTTP response, whole or the Range asked for: the API's artifact downloads,
and the web app's downloads, previews, audio (which seeks with Range) and share links."""

from __future__ import annotations

from pathlib import Path

from fastapi import Response
from fastapi.responses import StreamingResponse

from access import jobs
from access.errors import Conflict, NotFound, RangeNotSatisfiable
from access.jobs import Runtime
from access.models import JobStatus
from access.storage import parse_range, read_range, zip_stream
from access.store import Job
from api.errors import error_response


def file_response(path: Path, name: str, media_type: str, range_header: str | None, *,
                  disposition: str = "attachment", headers: dict[str, str] | None = None) -> Response:
    size = path.stat().st_size
    out = {"Accept-Ranges": "bytes", "Content-Disposition": f'{disposition}; filename="{name}"', **(headers or {})}
    try:
        wanted = parse_range(range_header, size)
    except RangeNotSatisfiable as exc:
        return error_response(416, exc.code, exc.message,
                              {"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
    if wanted is None:
        out["Content-Length"] = str(size)
        return StreamingResponse(read_range(path, 0, size), media_type=media_type, headers=out)
    out.update({"Content-Range": wanted.content_range(size), "Content-Length": str(wanted.length)})
    return StreamingResponse(read_range(path, wanted.start, wanted.length), status_code=206,
                             media_type=media_type, headers=out)


def zip_response(rt: Runtime, job: Job) -> StreamingResponse:
    """Every file of a succeeded job (a conversion's outputs, an audit's report) in one zip,
    streamed as it is made."""
    if job.status != JobStatus.SUCCEEDED.value:
        raise Conflict(f"The job is {job.status}; its files exist once it has succeeded.")
    files = [(a.name, Path(a.path)) for a in job.artifacts
             if Path(a.path).is_file() and rt.storage.contains(Path(a.path))]
    if not files:
        raise NotFound(f"Job {job.id} has no files.")
    return StreamingResponse(zip_stream(files), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{jobs.artifacts_zip_name(job)}"'})
