"""liblouis through ctypes (Debian ``liblouis20``): forward and back translation, table lookup.

liblouis is not thread-safe, so every call holds one process-wide lock. A call costs about
11 ms per 1,000 words (FIELD-NOTES), so the lock is never held for long.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading
from functools import lru_cache
from pathlib import Path

from access.errors import EngineFailed, EngineUnavailable, ValidationFailed

LIBRARY_NAMES = ("liblouis.so.20", "liblouis.so")
TABLES_DIR = Path("/usr/share/liblouis/tables")
BRF_DISPLAY = "en-us-brf.dis"          # dots -> North American Braille ASCII (BRF)
LOG_LEVEL_ERROR = 40000
CHUNK_CHARS = 4000                     # translate long texts in pieces cut at whitespace
NO_UNDEFINED = 128                     # liblouis mode noUndefined (liblouis.h)

_lock = threading.Lock()

# Explicit choices for English (UEB, as BANA adopted in 2016); other languages ask liblouis's
# metadata index (lou_findTable), which knows every installed table's language and grade.
ENGLISH_TABLES = {1: "en-ueb-g1.ctb", 2: "en-ueb-g2.ctb"}
_TABLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


class Louis:
    """A loaded liblouis library."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        lib.lou_version.restype = ctypes.c_char_p
        lib.lou_charSize.restype = ctypes.c_int
        lib.lou_findTable.restype = ctypes.c_char_p
        lib.lou_findTable.argtypes = [ctypes.c_char_p]
        lib.lou_getTable.restype = ctypes.c_void_p
        lib.lou_getTable.argtypes = [ctypes.c_char_p]
        lib.lou_setLogLevel.argtypes = [ctypes.c_int]
        lib.lou_setLogLevel(LOG_LEVEL_ERROR)
        self.char_size = lib.lou_charSize()
        self.encoding = "utf-32-le" if self.char_size == 4 else "utf-16-le"
        self.widechar = ctypes.c_uint32 if self.char_size == 4 else ctypes.c_uint16
        self.version = lib.lou_version().decode()

    # ------------------------------------------------------------------------- translation

    def _call(self, fn_name: str, table: str, text: str, mode: int = 0) -> str:
        data = text.encode(self.encoding)
        inlen = len(data) // self.char_size
        in_buf = (self.widechar * max(inlen, 1)).from_buffer_copy(data or b"\0" * self.char_size)
        capacity = inlen * 4 + 256
        out_buf = (self.widechar * capacity)()
        c_inlen = ctypes.c_int(inlen)
        c_outlen = ctypes.c_int(capacity)
        fn = getattr(self.lib, fn_name)
        ok = fn(table.encode(), in_buf, ctypes.byref(c_inlen), out_buf, ctypes.byref(c_outlen),
                None, None, mode)
        if not ok:
            raise EngineFailed(f"liblouis could not translate with table {table!r}.")
        raw = ctypes.string_at(out_buf, c_outlen.value * self.char_size)
        return raw.decode(self.encoding)

    def translate(self, table: str, text: str, *, undefined: bool = True) -> str:
        """Forward translation of one text (no line breaks needed; long texts are chunked).
        ``undefined=False``: a character the table does not define gives no cells, instead of liblouis's
        escape (``'\\x2044'`` written in braille)."""
        mode = 0 if undefined else NO_UNDEFINED
        with _lock:
            return " ".join(self._call("lou_translateString", table, piece, mode) for piece in chunks(text))

    def back_translate(self, table: str, braille: str) -> str:
        with _lock:
            return " ".join(self._call("lou_backTranslateString", table, piece) for piece in chunks(braille))

    # ------------------------------------------------------------------------- tables

    def table_exists(self, table_list: str) -> bool:
        with _lock:
            return bool(self.lib.lou_getTable(table_list.encode()))

    def find_table(self, query: str) -> str | None:
        with _lock:
            found = self.lib.lou_findTable(query.encode())
        return Path(found.decode()).name if found else None


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Cut a long text at whitespace into pieces of at most ``size`` characters (words intact)."""
    text = " ".join(text.split())
    if len(text) <= size:
        return [text]
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        pieces.append(text[:cut])
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


@lru_cache(maxsize=1)
def get_louis() -> Louis:
    for name in (*LIBRARY_NAMES, ctypes.util.find_library("louis")):
        if not name:
            continue
        try:
            return Louis(ctypes.CDLL(name))
        except OSError:
            continue
    raise EngineUnavailable("liblouis is not installed (Debian packages liblouis20 and liblouis-bin).")


def primary_language(tag: str | None) -> str:
    return (tag or "en").replace("_", "-").split("-")[0].lower() or "en"


# ISO 639-1 codes liblouis's metadata knows under another name (Chinese as Mandarin, Amharic and
# Tigrinya in the Ge'ez script's table, Hebrew's old code)
LANGUAGE_ALIASES = {"zh": "cmn", "am": "gez", "ti": "gez", "iw": "he", "nb": "no", "nn": "no"}


def find_language_table(louis: Louis, lang: str, grade: int) -> str | None:
    """The best installed table for a language: the asked grade in six dots (BRF has six), the asked
    grade, literary braille in six dots, any six-dot table, then any table of the language."""
    lang = LANGUAGE_ALIASES.get(lang, lang)
    for query in (f"language:{lang} grade:{grade} dots:6", f"language:{lang} grade:{grade}",
                  f"language:{lang} type:literary dots:6", f"language:{lang} dots:6", f"language:{lang}"):
        found = louis.find_table(query)
        if found:
            return found
    return None


def choose_table(language: str | None, grade: int, override: str | None = None) -> str:
    """The liblouis table list giving BRF for a language and grade, or for a named table.

    ``override`` may name any installed table (e.g. ``de-g2.ctb``); BRF display comes first so the
    output is always North American Braille ASCII.
    """
    louis = get_louis()
    if override:
        names = [n.strip() for n in override.split(",") if n.strip()]
        for name in names:
            if not _TABLE_NAME.match(name) or not (TABLES_DIR / name).is_file():
                raise ValidationFailed(f"Braille table {name!r} is not an installed liblouis table.")
        table = ",".join([BRF_DISPLAY, *[n for n in names if n != BRF_DISPLAY]])
    else:
        lang = primary_language(language)
        if lang == "en":
            contraction = ENGLISH_TABLES[2 if grade >= 2 else 1]
        else:
            contraction = find_language_table(louis, lang, grade)
            if contraction is None:
                raise ValidationFailed(f"No installed liblouis table for language {lang!r}; "
                                       "name one with the braille_table option.")
        table = f"{BRF_DISPLAY},{contraction}"
    if not louis.table_exists(table):
        raise EngineFailed(f"liblouis could not compile the table list {table!r}.")
    return table
