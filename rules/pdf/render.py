"""Page rendering for the contrast check, in a separate process.

MuPDF aborts the whole process (``free(): double free``) while rendering some damaged files, which
no ``try`` can catch; a worker must not die on a hostile upload. So pages are rendered by a child
process (``python rules/pdf/render.py FILE DPI PAGE...``) that streams one raw RGB page at a time
through a pipe; the auditor reads and uses one page at a time, so at most one rendered page is in
memory. If the child dies, the pages it did not send are reported as not rendered.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

RENDER_TIMEOUT_S = 300.0
HEADER = struct.Struct("<III")          # page number, width, height (then width*height*3 bytes)


@dataclass
class RenderedPage:
    number: int
    width: int
    height: int
    samples: bytes                      # RGB, 3 bytes per pixel, rows top to bottom

    @property
    def stride(self) -> int:
        return self.width * 3


def render_pages(pdf: str, pages: list[int], dpi: int = 72) -> Iterator[RenderedPage]:
    """Yield the 1-based ``pages`` of ``pdf`` rendered at ``dpi``, in order, as far as the child gets."""
    if not pages:
        return
    # a plain script: importing the rules package would cost the child ~0.5 s
    cmd = [sys.executable, __file__, pdf, str(dpi), *map(str, pages)]
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        while time.monotonic() < deadline:
            head = proc.stdout.read(HEADER.size)
            if len(head) < HEADER.size:
                break
            number, width, height = HEADER.unpack(head)
            size = width * height * 3
            samples = proc.stdout.read(size)
            if len(samples) < size:
                break
            yield RenderedPage(number, width, height, samples)
    finally:
        proc.kill()
        proc.stdout.close()
        proc.wait()


def main(argv: list[str]) -> int:
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    path, dpi, *pages = argv
    doc = pymupdf.open(path)
    out = sys.stdout.buffer
    for n in map(int, pages):
        pix = doc.load_page(n - 1).get_pixmap(dpi=int(dpi), alpha=False, colorspace=pymupdf.csRGB)
        samples = pix.samples if pix.stride == pix.width * 3 else b"".join(
            pix.samples[y * pix.stride: y * pix.stride + pix.width * 3] for y in range(pix.height))
        out.write(HEADER.pack(n, pix.width, pix.height))
        out.write(samples)
        out.flush()
        del pix
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
