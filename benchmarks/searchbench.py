"""The search row: bytes a browser transfers for one query, over a fixed set of realistic queries.

Each query is answered by `generator.search.Index` (it reads the files as bulletin-search.js does:
the manifest, one shard per term, one metadata chunk per result shown) with an empty browser cache,
and the bytes of the files it read are summed.

When no site was built (`--only search`, or a run that skips builds), the index is made from the
records alone: one document per record (its ID, title, front-matter values and body as text), written
by the same `search.build_index`. It lacks the site's boards, indexes and people pages, so it is a
little smaller than a built site's; the row says which one it measured.

    python -m benchmarks.searchbench index RECORDS_DIR OUT_DIR   # write OUT_DIR/search/ from records
    python -m benchmarks.searchbench query SEARCH_DIR            # print the JSON of the queries
"""

from __future__ import annotations

import html
import json
import os
import statistics
import sys
from pathlib import Path

# Chinese and English, whole words and prefixes (the last word typed without a space after it),
# common and rare: what a quality engineer types.
QUERIES = [
    "毛刺", "首件", "客户投诉", "控制计划", "纠正措施", "校准", "管理评审", "供应商", "质", "华东汽车",
    "8D", "PFMEA", "pfm", "capa", "CAPA-2026-", "control plan ", "error-proofing ", "calib",
    "supplier audit ", "IATF 16949 ", "Gauge R&R ", "防错 PFMEA ",
]
LIMIT = 10          # results shown, as the browser's first page


def measure(search_dir: Path, queries=QUERIES) -> dict:
    """Bytes and files read per query (a fresh Index each: an empty browser cache)."""
    from generator.search import Index

    per = []
    for q in queries:
        index = Index(search_dir)
        hits = index.search(q, LIMIT)
        per.append({"q": q, "bytes": index.bytes_read(), "files": len(index.read), "hits": len(hits)})
    sizes = [p["bytes"] for p in per]
    worst = max(per, key=lambda p: p["bytes"])
    files = list(search_dir.rglob("*.json"))
    manifest = json.loads((search_dir / "manifest.json").read_text("utf-8"))
    return {"queries": per, "median_bytes": int(statistics.median(sizes)), "max_bytes": worst["bytes"],
            "max_query": worst["q"], "manifest_bytes": (search_dir / "manifest.json").stat().st_size,
            "index_bytes": sum(f.stat().st_size for f in files), "files": len(files),
            "shards": manifest["shards"], "docs": manifest["docs"], "chunk": manifest["chunk"]}


def _split(text: str) -> tuple[str, str]:
    if text.startswith("---\n"):
        end = text.find("\n---", 3)
        if end > 0:
            return text[4:end + 1], text[end + 4:]
    return "", text


def _values(data) -> list[str]:
    if isinstance(data, dict):
        return [v for x in data.values() for v in _values(x)]
    if isinstance(data, list):
        return [v for x in data for v in _values(x)]
    return [] if data is None else [str(data)]


def record_docs(records: Path):
    """One SearchDoc per record file: title, ID in a card, front-matter values and body as text."""
    import yaml

    from generator import search

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for folder, _, names in os.walk(records):
        for name in sorted(names):
            if not name.endswith(".md"):
                continue
            path = Path(folder, name)
            fm, body = _split(path.read_text("utf-8-sig"))
            data = yaml.load(fm, Loader=loader) or {}
            data = data if isinstance(data, dict) else {}
            rid, title = str(data.get("id", "")), str(data.get("title", name))
            fields = " ".join(v for k, v in data.items() if k not in ("id", "title") for v in _values(v))
            page = (f'<div class="bl-card" data-id="{html.escape(rid)}">{html.escape(fields)}</div>'
                    f"<h1>{html.escape(title)}</h1><p>{html.escape(body)}</p>")
            url = path.relative_to(records).with_suffix("").as_posix() + "/"
            yield search.doc(url, title, page)


def write_from_records(records: Path, out: Path, lang: str = "zh") -> None:
    from generator import search

    search.write_index(list(record_docs(records)), out, lang)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 3 and argv[0] == "index":
        write_from_records(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) == 2 and argv[0] == "query":
        print(json.dumps(measure(Path(argv[1])), ensure_ascii=False, indent=1))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
