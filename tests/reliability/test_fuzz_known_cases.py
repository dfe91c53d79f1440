"""The crashes and hangs issue 14 names (and the ones the mutation fuzz found), each as a fixed
input: every one ends with success or a documented code, in a forked child with a time limit."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.documents import document
from tests.reliability.fuzzing import Case, mutate, run_case, seeds

TIMEOUT = 120.0


@pytest.fixture(scope="module", autouse=True)
def loaded() -> None:
    """Load the registry and engines' modules once here, so forked cases start warm."""
    from access.registry import get_registry

    registry = get_registry()
    for kind in (registry.readers, registry.writers, registry.auditors):
        for name in kind.names():
            kind.get(name)

CYCLIC_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 2 >> endobj
3 0 obj << /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 /Parent 2 0 R >> endobj
4 0 obj << /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >> endobj
5 0 obj << /Length 37 >> stream
BT /F1 12 Tf 72 712 Td (Hello) Tj ET
endstream endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


def outcome(fmt: str, data: bytes, mode: str) -> str:
    return run_case(Case(fmt, "fixed", "none", 0, mode), data, TIMEOUT)


@pytest.mark.parametrize("mode", ["audit", "convert"])
def test_cyclic_pdf_page_tree(mode: str) -> None:
    assert outcome("pdf", CYCLIC_PDF, mode) == "invalid_document"


@pytest.mark.parametrize("number", [57661, 696665, 552366])
def test_damaged_pdfs_the_fuzz_found_convert_without_aborting(number: int) -> None:
    """A pdfminer exception and two MuPDF double frees (the worker process aborted) on these."""
    seed = seeds()["pdf"]["lecture"]
    case = Case("pdf", "lecture", "flip", number, "convert")
    assert run_case(case, mutate(case, seed), TIMEOUT) in ("ok", "invalid_document")


def test_zip_of_pages_with_one_damaged_member_reports_that_page() -> None:
    page = b"<!doctype html><html lang='en'><title>P</title><main><h1>P</h1></main></html>"
    data = bytearray(_zip({"a.html": page * 20, "b.html": page * 20}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("b.html")
    data[info.header_offset + 30 + len("b.html") + 3] ^= 0xFF         # inside b.html's deflate data
    assert outcome("zip", bytes(data), "audit") == "ok"              # a.html audited, b.html a failed part


@pytest.mark.parametrize("mode", ["audit", "convert"])
def test_pptx_with_an_entity_in_presentation_xml(mode: str) -> None:
    members = _members(document("pptx", "lesson").read_bytes())
    head, _, rest = members["ppt/presentation.xml"].partition(b"?>")
    members["ppt/presentation.xml"] = head + b'?><!DOCTYPE p [<!ENTITY e "x">]>' + rest.replace(b">", b">&e;", 1)
    assert outcome("pptx", _zip(members), mode) in ("ok", "invalid_document")


@pytest.mark.parametrize("mode", ["audit", "convert"])
def test_pptx_with_a_missing_slide_part(mode: str) -> None:
    members = _members(document("pptx", "lesson").read_bytes())
    del members["ppt/slides/slide1.xml"]
    assert outcome("pptx", _zip(members), mode) == "invalid_document"


def test_control_characters_in_text_for_easy_read_and_epub() -> None:
    text = b"Hello \x01\x02\x0b\x0c\x1b world. This is a plain sentence.\nSecond\x7f line here.\n"
    assert outcome("text", text, "convert") == "ok"


def test_deeply_indented_text_lines_do_not_backtrack() -> None:
    """The footer pattern backtracked n² on each line's leading spaces: 20,000 indented lines held
    the reader for minutes."""
    text = "\n".join(" " * i + "- item" for i in range(6000)).encode()
    assert outcome("text", text, "convert") in ("ok", "unsupported_format")


@pytest.mark.parametrize("fmt, seed, mutation, number, expected", [
    ("epub", "clean", "member", 426279, "ok"),                    # a tag name lxml's QName refuses
    ("pptx", "lesson", "flip", 419017, "invalid_document"),       # "zip file version 25.5"
])
def test_cases_the_long_fuzz_run_found(fmt: str, seed: str, mutation: str, number: int, expected: str) -> None:
    case = Case(fmt, seed, mutation, number, "audit")
    assert run_case(case, mutate(case, seeds()[fmt][seed]), TIMEOUT) == expected
