"""A seeded mutation fuzzer over the test corpus, for audits and conversions of files.

Seeds are the test documents (tests/data/documents.yml built by the rules' builders, the static
HTML fixtures, an EPUB from rules/epub/build.py) plus small markdown, text and zip files written
here. A case is (format, seed, mutation, seed number): byte flips, truncation, chunk duplication,
and for zip-based formats a damaged, truncated, duplicated or missing member. Each case runs in a
forked child with a time limit; its outcome is ``ok``, a documented error code, ``hang`` or
``crash: <exception>`` (anything that would end a job as ``internal_error``).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import random
import tempfile
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# What a damaged input may end as: the documented codes of access/errors.py for bad input.
ACCEPTED_CODES = frozenset({"invalid_document", "limit_exceeded", "unsupported_format", "empty_file",
                            "encrypted_document", "file_too_large", "quality_gate_failed"})
CONVERT_TARGETS = ["html", "epub", "easy-read", "brf"]
# The outputs' quality gates (epubcheck, Ace: a JVM and a browser per case) are off in CI;
# ACCESS_FUZZ_GATES=report runs them too.
VALIDATION = os.environ.get("ACCESS_FUZZ_GATES", "off")
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    fmt: str              # the file's format as submitted (its extension)
    seed: str             # seed document name
    mutation: str
    number: int
    mode: str             # "audit" or "convert"

    @property
    def name(self) -> str:
        return f"{self.fmt}:{self.seed}:{self.mutation}:{self.number}:{self.mode}"


# ----------------------------------------------------------------------------- seeds


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


MARKDOWN = """# Unit 3: Photosynthesis

Plants *make* their own food. See [the handout](handout.pdf) and ![a leaf](leaf.png).

## Key words

- chlorophyll
  - found in **chloroplasts**
- glucose

1. Light falls on the leaf.
2. Water and carbon dioxide become glucose.

| Input | Output |
|-------|--------|
| CO2   | O2     |

> Remember: no light, no food.

```
6CO2 + 6H2O -> C6H12O6 + 6O2
```
"""


def seeds() -> dict[str, dict[str, bytes]]:
    """Seed files per format: {format: {name: bytes}}."""
    from rules.epub.build import build_epub, epub_bytes
    from tests.documents import document

    html_clean = (REPO / "tests/auditors/data/course-clean.html").read_bytes()
    html_bad = (REPO / "tests/auditors/data/course-barriers.html").read_bytes()
    text = (REPO / "tests/data/unesco-iite-strategy-2022-2025.txt").read_bytes()[:3000]
    return {
        "pdf": {"lecture": document("pdf", "lecture").read_bytes(),
                "untagged": document("pdf", "untagged").read_bytes()},
        "docx": {"handout": document("docx", "handout").read_bytes()},
        "pptx": {"lesson": document("pptx", "lesson").read_bytes()},
        "html": {"clean": html_clean, "barriers": html_bad},
        "zip": {"pages": _zip({"index.html": html_clean, "unit/two.html": html_bad, "style.css": b"p{color:#000}"})},
        "markdown": {"unit": MARKDOWN.encode()},
        "text": {"strategy": text},
        "epub": {"clean": epub_bytes(build_epub())},
    }


# ----------------------------------------------------------------------------- mutations


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, max(1, len(out) // 500))):
        i = rng.randrange(len(out))
        out[i] = rng.choice([0, 0xFF, out[i] ^ (1 << rng.randrange(8)), rng.randrange(256)])
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(1, max(2, len(data)))]


def duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 4096))
    at = rng.randrange(len(data))
    return data[:at] + data[start:end] * rng.randint(1, 20) + data[at:]


def _members(data: bytes) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError):
        return None


def damage_member(data: bytes, rng: random.Random) -> bytes:
    """One member's bytes mutated (flipped, truncated, duplicated, emptied, given an XML entity or
    NUL bytes) or the member removed; the zip itself stays valid."""
    members = _members(data)
    if not members:
        return flip_bytes(data, rng)
    name = rng.choice(sorted(members))
    how = rng.choice(["flip", "truncate", "duplicate", "empty", "remove", "entity", "nul"])
    body = members[name]
    if how == "remove" and name != "mimetype":
        del members[name]
    elif how == "entity" and body.lstrip().startswith(b"<?xml"):
        head, _, rest = body.partition(b"?>")
        members[name] = head + b'?><!DOCTYPE x [<!ENTITY e "entity">]>' + rest.replace(b">", b">&e;", 1)
    elif how == "nul" and body:
        i = rng.randrange(len(body))
        members[name] = body[:i] + bytes(rng.choice([0, 1, 7, 0x1B, 0x0C]) for _ in range(8)) + body[i:]
    elif how == "empty":
        members[name] = b""
    elif body:
        members[name] = {"flip": flip_bytes, "truncate": truncate, "duplicate": duplicate_chunk,
                         "remove": flip_bytes, "entity": flip_bytes, "nul": flip_bytes}[how](body, rng)
    return _zip(members)


def damage_zip_bytes(data: bytes, rng: random.Random) -> bytes:
    """The compressed bytes of one member damaged in place (its CRC no longer matches)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = [i for i in zf.infolist() if i.compress_size > 4]
    except zipfile.BadZipFile:
        return flip_bytes(data, rng)
    if not infos:
        return flip_bytes(data, rng)
    info = rng.choice(infos)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = start + rng.randrange(info.compress_size)
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": flip_bytes, "truncate": truncate, "duplicate": duplicate_chunk,
}
ZIP_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    **MUTATIONS, "member": damage_member, "member-bytes": damage_zip_bytes,
}
ZIP_FORMATS = {"docx", "pptx", "zip", "epub"}
AUDITS = {"pdf", "docx", "pptx", "html", "zip", "markdown", "epub"}
CONVERTS = {"pdf", "docx", "pptx", "html", "markdown", "text"}


def cases(fmt: str, seed_names: list[str], count: int, base_seed: int = 1414) -> list[Case]:
    """``count`` cases of a format, the same list every run (seeded)."""
    rng = random.Random(f"{base_seed}:{fmt}")
    mutations = sorted(ZIP_MUTATIONS if fmt in ZIP_FORMATS else MUTATIONS)
    modes = [m for m, fmts in (("audit", AUDITS), ("convert", CONVERTS)) if fmt in fmts]
    return [Case(fmt, rng.choice(seed_names), mutations[i % len(mutations)], rng.randrange(10**6),
                 modes[i % len(modes)]) for i in range(count)]


def mutate(case: Case, data: bytes) -> bytes:
    table = ZIP_MUTATIONS if case.fmt in ZIP_FORMATS else MUTATIONS
    return table[case.mutation](data, random.Random(case.number))


# ----------------------------------------------------------------------------- running one case


def run_in_process(case: Case, data: bytes, workdir: Path) -> str:
    """Audit or convert the mutated bytes here; the outcome as a string."""
    from access import services
    from access.config import Settings
    from access.errors import AccessError
    from access.models import AuditOptions, ConvertOptions

    settings = Settings(_env_file=None)
    path = workdir / f"input.{case.fmt if case.fmt != 'markdown' else 'md'}"
    if case.fmt == "text":
        path = workdir / "input.txt"
    path.write_bytes(data)
    try:
        source = services.source_file(path, path.name, settings)
        ctx = services.make_context(settings)
        if case.mode == "audit":
            services.audit_file(source, AuditOptions(), ctx)
        else:
            options = ConvertOptions(targets=list(CONVERT_TARGETS), validation=VALIDATION)
            services.convert(source, options, workdir / "out", ctx)
    except AccessError as exc:
        return exc.code if exc.code != "internal_error" else f"crash: AccessError: {exc.message[:200]}"
    except Exception as exc:
        tb = traceback.extract_tb(exc.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "/w14b/" in f.filename
                      or "/access/" in f.filename), "?")
        return f"crash: {type(exc).__name__} at {where}: {str(exc)[:160]}"
    return "ok"


def _child(case: Case, data: bytes, conn: multiprocessing.connection.Connection) -> None:
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)        # damaged PDFs: one line per damaged object
    with tempfile.TemporaryDirectory(prefix="access-fuzz-") as tmp:
        conn.send(run_in_process(case, data, Path(tmp)))


def run_case(case: Case, data: bytes, timeout: float) -> str:
    """Run one case in a forked child; ``hang`` when it takes longer than ``timeout`` s."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(case, data, child), daemon=True)
    proc.start()
    child.close()
    if parent.poll(timeout):
        try:
            outcome = parent.recv()
        except EOFError:
            outcome = None
    else:
        outcome = "hang"
    if proc.is_alive():
        proc.kill()
    proc.join(5)
    if outcome is None:
        outcome = f"crash: the process died (exit code {proc.exitcode})"
    return str(outcome)


def fuzz_count(default: int) -> int:
    """Cases per format: ``default`` in CI, ``ACCESS_FUZZ`` by hand."""
    return int(os.environ.get("ACCESS_FUZZ") or default)


def warm_up(seed_files: dict[str, dict[str, bytes]]) -> dict[str, str]:
    """Run every format's first seed once, unmutated, in this process, so forked cases start with
    the imports, language models and dictionaries loaded. The seeds' own outcomes are returned
    (each should be ``ok``)."""
    outcomes = {}
    for fmt, files in seed_files.items():
        name = sorted(files)[0]
        for mode in ("audit", "convert"):
            if fmt in (AUDITS if mode == "audit" else CONVERTS):
                with tempfile.TemporaryDirectory(prefix="access-fuzz-") as tmp:
                    outcomes[f"{fmt}:{mode}"] = run_in_process(Case(fmt, name, "none", 0, mode), files[name], Path(tmp))
    return outcomes
