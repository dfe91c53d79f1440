"""Optional rewriter: an OpenAI-compatible chat endpoint, behind the same interface as the rules.

Never required and never called in tests. Set ``ACCESS_EASYREAD_LLM_URL`` (the API base, e.g.
``http://127.0.0.1:8080/v1``), ``ACCESS_EASYREAD_LLM_MODEL`` and, if needed,
``ACCESS_EASYREAD_LLM_KEY``. Whatever the model writes goes through the same checks as the rules'
output: sentences over the limit are split by the rule-based splitter, and a paragraph whose
rewrite lost a number, date or name falls back to the rule-based rewrite. The measurements in
the job result then say how well it did.
"""

from __future__ import annotations

from typing import Any

import httpx

from access.errors import EngineUnavailable
from converters.transforms.easyread.content import dates, entities, numbers
from converters.transforms.easyread.settings import EasyReadSettings
from converters.transforms.easyread.simplify import Line, RuleRewriter
from converters.transforms.easyread.text import end_sentence, split_sentences, words

PROMPT = (
    "Rewrite the text in easy-read English (Inclusion Europe 'Information for all'). Rules: one short "
    "sentence per line, at most 15 words each; everyday words; active voice; keep every number, date "
    "and name exactly as written; write numbers as digits; do not add facts; no bullet symbols. "
    "Answer with the sentences only, one per line."
)


class LLMRewriter:
    name = "llm"

    def __init__(self, url: str, model: str, key: str | None = None, timeout: float = 60.0,
                 fallback: RuleRewriter | None = None, client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.key = key
        self.timeout = timeout
        self.fallback = fallback or RuleRewriter()
        self.stats = self.fallback.stats
        self.client = client or httpx.Client(timeout=timeout)
        self.fallbacks = 0

    def _ask(self, paragraph: str) -> str:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        body: dict[str, Any] = {"model": self.model, "temperature": 0,
                                "messages": [{"role": "system", "content": PROMPT},
                                             {"role": "user", "content": paragraph}]}
        try:
            response = self.client.post(self.url, json=body, headers=headers)
            response.raise_for_status()
            return str(response.json()["choices"][0]["message"]["content"])
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            raise EngineUnavailable(f"The easy-read language model did not answer: {exc}") from exc

    def rewrite_lines(self, paragraph: str) -> list[Line]:
        answer = self._ask(paragraph)
        lines: list[Line] = []
        for raw in answer.splitlines():
            raw = raw.strip().lstrip("-*•").strip()
            for sentence in split_sentences(raw):
                for short in self.fallback.enforce_length(sentence):
                    done = end_sentence(short)
                    if words(done):
                        lines.append(Line(done))
        if not lines or not keeps_content(paragraph, " ".join(line.text for line in lines)):
            self.fallbacks += 1
            return self.fallback.rewrite_lines(paragraph)
        self.stats.sentences_in += len(split_sentences(paragraph))
        self.stats.sentences_out += len(lines)
        return lines


def keeps_content(source: str, rewrite: str) -> bool:
    return (not (numbers(source) - numbers(rewrite)) and not (dates(source) - dates(rewrite))
            and all(e in rewrite for e in entities(split_sentences(source))))


def rewriter_from_settings(settings: EasyReadSettings, language: str = "en") -> Any:
    """The LLM rewriter when an endpoint is configured, else the rule-based one."""
    rules = RuleRewriter(language)
    if settings.easyread_llm_url and settings.easyread_llm_model:
        return LLMRewriter(settings.easyread_llm_url, settings.easyread_llm_model, settings.easyread_llm_key,
                           settings.easyread_llm_timeout, fallback=rules)
    return rules
