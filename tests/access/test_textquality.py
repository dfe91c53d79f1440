"""The one judge of alt text and link text (access/textquality.py), used by the HTML, Word and
PowerPoint rules."""

from __future__ import annotations

import pytest

from access.textquality import alt_text_problem, is_generic_link_text, is_poor_alt, is_raw_url, link_text_problem


@pytest.mark.parametrize(("alt", "problem"), [
    ("heart.png", "file-name"),
    ("IMG_2041.JPG", "file-name"),
    ("IMG_2041", "file-name"),
    ("DSC01234", "file-name"),
    ("Screenshot 2024-03-01 at 10.22.31", "file-name"),
    ("https://cdn.example.org/img/cell.webp", "file-name"),
    (r"C:\Users\Ann Smith\Pictures\pic.jpg", "file-path"),
    (r"\\server\share\diagram", "file-path"),
    ("/home/ann/My Pictures/leaf diagram.png", "file-path"),
    ("file:///tmp/x.gif", "file-path"),
    ("image", "placeholder"),
    ("Picture 3", "placeholder"),
    ("  Image1 ", "placeholder"),
    ("Figure 2:", "placeholder"),
    ("logo", "placeholder"),
    ("chart", "placeholder"),
    ("A picture containing text, clipart\n\nDescription automatically generated", "generated"),
    ("A close up of a logo Description generated with very high confidence", "generated"),
    ("Diagram of a leaf taking in light, water and air", None),
    ("Photo 2023 field trip to the science museum", None),
    ("Figure 2: the water cycle", None),
    ("Screenshot of the assignment instructions text", None),
    ("Heart.png is the file we use", None),
    ("", None),
    (None, None),
])
def test_alt_text_problem(alt: str | None, problem: str | None) -> None:
    assert alt_text_problem(alt) == problem
    assert is_poor_alt(alt) is (problem is not None)


@pytest.mark.parametrize(("text", "problem"), [
    ("click here", "generic"),
    ("Read more »", "generic"),
    ("Here.", "generic"),
    ("[Download]", "generic"),
    ("more information", "generic"),
    ("https://example.org/reading", "raw-url"),
    ("www.example.org", "raw-url"),
    ("", "empty"),
    ("   ", "empty"),
    ("Read the week 2 reading list", None),
    ("Download the week 2 slides (PDF)", None),
    ("See https://example.org for the list", None),
])
def test_link_text_problem(text: str, problem: str | None) -> None:
    assert link_text_problem(text) == problem
    assert is_generic_link_text(text) is (problem == "generic")
    assert is_raw_url(text) is (problem == "raw-url")
