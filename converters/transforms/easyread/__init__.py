"""Easy-read: rule-based (optionally LLM) simplification of a Document, measured before and after.

Modules: ``text`` (words, sentences), ``readability`` (Flesch–Kincaid, reading ease, difficult
words; syllables from the CMU dictionary), ``content`` (numbers, dates, names kept), ``lexicon``
(+ ``data/``), ``simplify`` (the rule-based rewriter), ``llm`` (optional rewriter), ``glossary``,
``shortforms`` (defined short names for long institutional names),
``transform`` (Document → easy-read Document), ``html`` / ``docx`` (layouts), ``settings``. The step is
``converters/transforms/easy_read.py``, the target ``converters/writers/easy_read.py``, its gate
``converters/gates/easy_read.py``.
"""
