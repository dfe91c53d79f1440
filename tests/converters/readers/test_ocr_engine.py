"""OCR on the real engine: orientation and script detection first, then the script's model."""

from __future__ import annotations

import io

import pymupdf
from PIL import Image

from converters.readers.ocr import OcrRun, detect_script, installed_packs

TEXT = ("Plants make food from light. They take in water through their roots and air through their leaves. "
        "The green parts of the leaf catch the light, and the plant uses it to join water and air into sugar. ") * 6
RUSSIAN = ("Растения получают пищу из света. Они берут воду корнями, а воздух листьями. Зелёные части листа "
           "ловят свет, и растение соединяет воду и воздух в сахар. ") * 6


def page_image(text: str, turn: int = 0) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_htmlbox(pymupdf.Rect(60, 60, 540, 760), f"<p style='font-size:14px'>{text}</p>")
    png = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY).tobytes("png")
    if not turn:
        return png
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).rotate(turn, expand=True).save(out, "PNG")
    return out.getvalue()


def test_a_turned_page_is_set_upright_before_reading() -> None:
    run = OcrRun("en")
    lines = run.recognise(page_image(TEXT, turn=90))
    text = " ".join(ln.text for ln in lines)
    assert run.rotated_pages == 1 and "water through their roots" in text
    assert run.packs_used == ["eng"] and (run.confidence or 0) > 80


def test_cyrillic_page_read_with_the_russian_model_without_a_hint() -> None:
    assert {"rus", "osd"} <= installed_packs()
    png = page_image(RUSSIAN)
    found = detect_script(png)
    assert found is not None and found.script == "Cyrillic"
    run = OcrRun(None)
    text = " ".join(ln.text for ln in run.recognise(png))
    assert run.packs_used[0] == "rus" and "Растения получают пищу из света" in text
