"""Text as it should be spoken: abbreviations expanded, number ranges and grouped digits read as numbers,
URLs read as "link: <domain>", table-of-contents leaders and page-number artefacts dropped.

espeak-ng already reads numbers, dates and currency in each of its languages; what it gets wrong is
what a printed page adds (leaders, ``2022–2025``, ``1 000``, ``e.g.``, long URLs read letter by letter).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# words the script itself says, per language; a language missing here is announced in English
PHRASES: dict[str, dict[str, str]] = {
    "en": {"figure": "Figure", "figure-no-alt": "Figure without description", "table": "Table",
           "rows": "rows", "columns": "columns", "page": "Page", "link": "link", "list": "List of {n} items",
           "quote": "Quote", "end-quote": "End of quote", "notes": "Speaker notes", "code": "Code",
           "equation": "Equation", "footnotes": "Notes", "note": "Note", "to": "to", "and": "and",
           "start": "Start"},
    "fr": {"figure": "Figure", "figure-no-alt": "Figure sans description", "table": "Tableau",
           "rows": "lignes", "columns": "colonnes", "page": "Page", "link": "lien",
           "list": "Liste de {n} éléments", "quote": "Citation", "end-quote": "Fin de citation",
           "notes": "Notes de l'orateur", "code": "Code", "equation": "Équation", "footnotes": "Notes",
           "note": "Note", "to": "à", "and": "et", "start": "Début"},
    "es": {"figure": "Figura", "figure-no-alt": "Figura sin descripción", "table": "Tabla",
           "rows": "filas", "columns": "columnas", "page": "Página", "link": "enlace",
           "list": "Lista de {n} elementos", "quote": "Cita", "end-quote": "Fin de la cita",
           "notes": "Notas del orador", "code": "Código", "equation": "Ecuación", "footnotes": "Notas",
           "note": "Nota", "to": "a", "and": "y", "start": "Inicio"},
    "pt": {"figure": "Figura", "figure-no-alt": "Figura sem descrição", "table": "Tabela",
           "rows": "linhas", "columns": "colunas", "page": "Página", "link": "link",
           "list": "Lista de {n} itens", "quote": "Citação", "end-quote": "Fim da citação",
           "notes": "Notas do orador", "code": "Código", "equation": "Equação", "footnotes": "Notas",
           "note": "Nota", "to": "a", "and": "e", "start": "Início"},
    "de": {"figure": "Abbildung", "figure-no-alt": "Abbildung ohne Beschreibung", "table": "Tabelle",
           "rows": "Zeilen", "columns": "Spalten", "page": "Seite", "link": "Link",
           "list": "Liste mit {n} Einträgen", "quote": "Zitat", "end-quote": "Ende des Zitats",
           "notes": "Sprechernotizen", "code": "Code", "equation": "Formel", "footnotes": "Anmerkungen",
           "note": "Anmerkung", "to": "bis", "and": "und", "start": "Anfang"},
    "sw": {"figure": "Kielelezo", "figure-no-alt": "Kielelezo bila maelezo", "table": "Jedwali",
           "rows": "safu", "columns": "nguzo", "page": "Ukurasa", "link": "kiungo",
           "list": "Orodha ya vipengele {n}", "quote": "Nukuu", "end-quote": "Mwisho wa nukuu",
           "notes": "Maelezo ya msemaji", "code": "Msimbo", "equation": "Mlinganyo", "footnotes": "Maelezo",
           "note": "Maelezo", "to": "hadi", "and": "na", "start": "Mwanzo"},
}

ABBREVIATIONS: dict[str, dict[str, str]] = {
    "en": {"e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus",
           "approx.": "approximately", "Dr.": "Doctor", "Prof.": "Professor", "Mr.": "Mister",
           "Mrs.": "Missus", "Fig.": "Figure", "fig.": "figure", "No.": "number", "pp.": "pages",
           "p.": "page", "cf.": "compare", "et al.": "and others", "Ch.": "Chapter", "Vol.": "Volume"},
    "fr": {"p. ex.": "par exemple", "c.-à-d.": "c'est-à-dire", "etc.": "et cetera", "M.": "Monsieur",
           "Mme": "Madame", "Mlle": "Mademoiselle", "n°": "numéro", "env.": "environ", "cf.": "confer"},
    "es": {"p. ej.": "por ejemplo", "etc.": "etcétera", "Sr.": "Señor", "Sra.": "Señora", "núm.": "número",
           "pág.": "página", "aprox.": "aproximadamente"},
    "pt": {"p. ex.": "por exemplo", "etc.": "etcétera", "Sr.": "Senhor", "Sra.": "Senhora",
           "nº": "número", "pág.": "página"},
    "de": {"z. B.": "zum Beispiel", "z.B.": "zum Beispiel", "d. h.": "das heißt", "d.h.": "das heißt",
           "usw.": "und so weiter", "bzw.": "beziehungsweise", "ca.": "circa", "Nr.": "Nummer",
           "S.": "Seite", "u. a.": "unter anderem", "Abb.": "Abbildung"},
    "sw": {"k.m.": "kwa mfano", "n.k.": "na kadhalika", "Bw.": "Bwana", "Bi.": "Bibi"},
}

URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
EMAIL_RE = re.compile(r"\b[\w.+-]+@([\w-]+\.)+[a-z]{2,}\b", re.IGNORECASE)
LEADER_RE = re.compile(r"\s*(?:\.\s?){4,}\s*\d*\s*$|(?:\s?[._·…]){4,}")
DASH_RANGE_RE = re.compile(r"(?<![\w.,])(\d[\d,.]*)\s?[–—]\s?(\d[\d,.]*)(?![\w])")
YEAR_RANGE_RE = re.compile(r"\b((?:1[5-9]|20)\d\d)-((?:1[5-9]|20)?\d\d)\b(?!-\d)")
SPACED_DIGITS_RE = re.compile(r"(?<!\d)(\d{1,3})(?:[ \u00a0\u202f](\d{3}))+(?!\d)")
BULLETS_RE = re.compile(r"[•▪◦●■□►▸‣⁃]")
PAGE_ARTEFACT_RE = re.compile(
    r"^\s*(?:[-–—]\s*)?(?i:(?:page|p\.|pg\.?|seite|página|ukurasa)\s*)?"
    r"(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?i:of|/|de|von|sur|kati ya)\s*\d{1,4})?(?:\s*[-–—])?\s*$")


def base_language(tag: str | None) -> str:
    return (tag or "en").split("-")[0].lower()


def phrase(key: str, language: str | None, **values: object) -> tuple[str, str]:
    """A phrase the script says, in the document's language when we have it (else English):
    ``(text, language of the text)``."""
    lang = base_language(language)
    table = PHRASES.get(lang)
    if table is None:
        table, lang = PHRASES["en"], "en"
    return table[key].format(**values), (language if lang == base_language(language) else "en") or "en"


def is_page_artefact(text: str) -> bool:
    """A paragraph that is only a page number ("12", "Page 3 of 10", "- iv -") left over from print."""
    return bool(text.strip()) and bool(PAGE_ARTEFACT_RE.match(text))


def domain_of(url: str) -> str:
    parsed = urlsplit(url if "://" in url else f"http://{url}")
    host = (parsed.hostname or url).lower()
    return host[4:] if host.startswith("www.") else host


def speak_url(url: str, language: str | None) -> str:
    word, _ = phrase("link", language)
    return f"{word}: {domain_of(url.rstrip('.,;:)'))}"


def _abbreviation_re(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    table = ABBREVIATIONS.get(base_language(language))
    if not table:
        return None
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in keys) + r")(?=[\s,;:)]|$)")
    return pattern, table


_ABBR_CACHE: dict[str, tuple[re.Pattern[str], dict[str, str]] | None] = {}


def normalise(text: str, language: str | None) -> str:
    """``text`` rewritten for a speech engine reading ``language``."""
    lang = base_language(language)
    text = BULLETS_RE.sub(" ", text)
    text = LEADER_RE.sub(" ", text)
    text = URL_RE.sub(lambda m: speak_url(m.group(0), language), text)
    text = EMAIL_RE.sub(lambda m: m.group(0).replace("@", " at ") if lang == "en" else m.group(0), text)
    to_word, _ = phrase("to", language)
    text = DASH_RANGE_RE.sub(lambda m: f"{m.group(1)} {to_word} {m.group(2)}", text)
    text = YEAR_RANGE_RE.sub(lambda m: f"{m.group(1)} {to_word} {m.group(2)}", text)
    text = SPACED_DIGITS_RE.sub(lambda m: re.sub(r"[ \u00a0\u202f]", "", m.group(0)), text)
    if lang not in _ABBR_CACHE:
        _ABBR_CACHE[lang] = _abbreviation_re(lang)
    compiled = _ABBR_CACHE[lang]
    if compiled is not None:
        pattern, table = compiled
        text = pattern.sub(lambda m: table[m.group(1)], text)
    and_word, _ = phrase("and", language)
    text = re.sub(r"\s&\s", f" {and_word} ", text)
    return " ".join(text.split())
