"""Language identification: lingua (low-accuracy mode, what the readers use) against langdetect.

    .venv/bin/python bench/language_id.py        # writes bench/results/language_id.json

Test set: the Debian FAQ in nine languages (Debian packages debian-faq, debian-faq-{de,fr,it,nl,pt,ru,
ja,zh-cn}, fetched with ``apt-get download``): 60 paragraphs a language, each cut to 40, 120 and 600
characters. Paragraphs with web addresses, dotted leaders or a leading number are left out. Some
translated paragraphs are still in English in the source, so no engine can reach 100 %.
"""

from __future__ import annotations

import gzip
import json
import platform
import random
import re
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "language_id.json"
LANGS = {"en": "", "de": "-de", "fr": "-fr", "it": "-it", "nl": "-nl", "pt": "-pt", "ru": "-ru", "ja": "-ja",
         "zh-cn": "-zh-cn"}
LENGTHS = (40, 120, 600)


def samples() -> list[tuple[str, int, str]]:
    out = []
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        for lang, suffix in LANGS.items():
            subprocess.run(["apt-get", "download", "-qq", f"debian-faq{suffix}"], cwd=tmp, check=True)
            deb = next(Path(tmp).glob(f"debian-faq{suffix}_*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(deb), f"{tmp}/x"], check=True)
            text = gzip.decompress((Path(tmp) / "x/usr/share/doc/debian/FAQ" / f"debian-faq.{lang}.txt.gz")
                                   .read_bytes()).decode("utf-8")
            paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
            paras = [p for p in paras if len(p) > 60 and not re.search(r"https?://|\.\.\.\.|^\d", p)]
            rng.shuffle(paras)
            code = lang.split("-")[0]
            out += [(code, n, p[:n]) for p in paras[:60] for n in LENGTHS]
    return out


def main() -> None:
    from langdetect import DetectorFactory, detect

    from converters.readers.language import identify

    def by_langdetect(text: str) -> str | None:
        DetectorFactory.seed = 0
        try:
            return detect(text).split("-")[0]
        except Exception:
            return None

    def by_lingua(text: str) -> str | None:
        found = identify(text, min_letters=1)
        return found.language.split("-")[0] if found else None

    data = samples()
    report: dict[str, object] = {"machine": f"{platform.node()} {platform.machine()}, {platform.python_version()}",
                                 "date": datetime.now(UTC).isoformat(timespec="seconds"), "passages": len(data)}
    for name, engine in (("lingua (low accuracy)", by_lingua), ("langdetect", by_langdetect)):
        start = time.perf_counter()
        right = {n: 0 for n in LENGTHS}
        for code, n, text in data:
            right[n] += engine(text) == code
        total = {n: sum(1 for _, m, _ in data if m == n) for n in LENGTHS}
        report[name] = {"accuracy": {str(n): round(right[n] / total[n], 3) for n in LENGTHS},
                        "seconds": round(time.perf_counter() - start, 2)}
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
