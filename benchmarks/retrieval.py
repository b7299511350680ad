"""Retrieval quality and speed, in one run.

    .venv/bin/python benchmarks/retrieval.py            # quality + 1k/10k/50k scale
    .venv/bin/python benchmarks/retrieval.py --quick    # quality + 1k/10k
    .venv/bin/python benchmarks/retrieval.py --tune     # also grid-search fusion weights

Quality: recall@1 / recall@3 / MRR per question language over tests/data/questions_*.yaml
(the seed articles plus knowledge/corpus), for the shipped hybrid fusion against
dense-only and BM25-only baselines computed from the same rankings in the same run.
Scale: a synthetic corpus grown from the real passages (sentences shuffled across
passages of one language), ingested through Index.ingest; warm search latency p50/p95
per question at each size, ingest throughput, and peak RSS.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from machine import machine

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from knowledge.fusion import RETRIEVERS, WEIGHTS, reciprocal_rank_fusion  # noqa: E402
from knowledge.index import Index  # noqa: E402
from knowledge.knowledge_base import KnowledgeBase  # noqa: E402

SEEDS = ROOT.parent / "shared" / "reference" / "seeds"
CORPUS = ROOT / "knowledge" / "corpus"
QUESTION_FILES = {
    "questions_seeds.yaml": SEEDS,
    "questions_corpus.yaml": CORPUS,
}
SET_LABELS = {"questions_seeds.yaml": "seeds", "questions_corpus.yaml": "starter"}
BASELINES = {
    "hybrid (shipped)": None,
    "BM25 only": {"stem": 1.0},
    "dense only": {"dense": 1.0},
    "lexical, no dense": "no-dense",
}
GRID = (0.0, 0.25, 0.5, 1.0)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def load_questions(data: Path = ROOT / "tests" / "data") -> list[tuple[str, dict]]:
    """(set name, question) for every answerable question in the files that exist."""
    found = []
    for name in QUESTION_FILES:
        path = data / name
        if not path.exists():
            print(f"  ({name} missing: left out)")
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if item.get("kind") != "off_topic" and item.get("source"):
                found.append((name, {**item, "set": SET_LABELS[name]}))
    return found


def group_of(item: dict) -> str:
    language = "en cross-lingual" if item["kind"] == "cross_lingual" else item["language"]
    return f"{item['set']} {language}"


def is_hit(chunk_source: str, chunk_text: str, item: dict) -> bool:
    """The passage that holds the answer, or any passage of an article in `also` (the same
    answer stated in another language's article, as tests/knowledge/test_corpus.py counts)."""
    name = Path(chunk_source).name
    if name in item.get("also", []):
        return True
    return name == item["source"] and _norm(item["contains"]) in _norm(chunk_text)


def evaluate(index: Index, questions: list[tuple[str, dict]]) -> list[tuple[dict, dict, set]]:
    """Each question's rankings per retriever and the rows that count as hits."""
    lexical = index._refresh_lexical()
    relevant_cache: dict[tuple[str, str], set[int]] = {}
    out = []
    for _, item in questions:
        key = (item["source"], item["contains"])
        if key not in relevant_cache:
            relevant_cache[key] = {
                row
                for row, chunk in enumerate(lexical.chunks)
                if is_hit(chunk.source, chunk.text, item)
            }
        out.append((item, index.rankings(item["question"], item["language"]), relevant_cache[key]))
    return out


def metrics(evaluated: list, weights_of) -> dict[str, tuple[float, float, float, int]]:
    by_group: dict[str, list[int | None]] = {}
    for item, ranked, relevant in evaluated:
        fused = [row for row, _ in reciprocal_rank_fusion(ranked, weights_of(item))]
        rank = next((i for i, row in enumerate(fused[:10]) if row in relevant), None)
        by_group.setdefault(group_of(item), []).append(rank)
    result = {}
    for group, ranks in sorted(by_group.items()):
        n = len(ranks)
        r1 = sum(1 for r in ranks if r == 0) / n
        r3 = sum(1 for r in ranks if r is not None and r < 3) / n
        mrr = sum(1 / (r + 1) for r in ranks if r is not None) / n
        result[group] = (r1, r3, mrr, n)
    return result


def weights_function(spec):
    if spec is None:
        return lambda item: WEIGHTS[item["language"]]
    if spec == "no-dense":
        return lambda item: {**WEIGHTS[item["language"]], "dense": 0.0}
    return lambda item: spec


def print_quality(evaluated: list) -> None:
    print("\nQuality (recall@1 / recall@3 / MRR; n questions)")
    baseline = metrics(evaluated, weights_function({"stem": 1.0}))
    for label, spec in BASELINES.items():
        print(f"  {label}")
        for group, (r1, r3, mrr, n) in metrics(evaluated, weights_function(spec)).items():
            ratio = r3 / baseline[group][1] if baseline[group][1] else float("nan")
            print(
                f"    {group:25s} r@1 {r1:.2f}  r@3 {r3:.2f}  MRR {mrr:.2f}  (n={n}; "
                f"r@3 × {ratio:.2f} vs BM25 only)"
            )


def print_answering(index: Index, questions: list[tuple[str, dict]]) -> None:
    """Through the real answer path: in-domain questions answered, off-topic ones refused."""
    base = KnowledgeBase(index.path, index=index)
    off_topic = [
        item
        for path in sorted((ROOT / "tests" / "data").glob("*.yaml"))
        for item in (_items(path) or [])
        if isinstance(item, dict) and item.get("kind") == "off_topic"
    ]
    answered = sum(base.ask(item["question"]).answered for _, item in questions)
    refused = sum(not base.ask(item["question"]).answered for item in off_topic)
    print(
        f"\nAnswering: in-domain answered {answered}/{len(questions)} "
        f"({answered / len(questions):.0%}); off-topic abstained {refused}/{len(off_topic)} "
        f"({refused / max(len(off_topic), 1):.0%}; target ≥ 90 %)"
    )


def _items(path: Path) -> list:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded.get("questions", []) if isinstance(loaded, dict) else loaded


def tune(evaluated: list) -> None:
    """Grid search per question language; objective r@3 + 0.5·r@1 + 0.25·MRR."""
    print("\nTuning fusion weights per question language (grid over", GRID, ")")
    for language in ("da", "no", "sv", "en"):
        subset = [e for e in evaluated if e[0]["language"] == language]
        if not subset:
            continue
        scored = []
        for combo in itertools.product(GRID, repeat=len(RETRIEVERS)):
            if not any(combo):
                continue
            weights = dict(zip(RETRIEVERS, combo, strict=True))
            (r1, r3, mrr, _), *_ = metrics(
                [(dict(e[0], kind="x", set="all"), e[1], e[2]) for e in subset],
                weights_function(weights),
            ).values()
            scored.append((r3 + 0.5 * r1 + 0.25 * mrr, r1, r3, mrr, weights))
        scored.sort(key=lambda s: (-s[0], -sum(s[4].values())))
        best = scored[0]
        (r1, r3, mrr, _), *_ = metrics(
            [(dict(e[0], kind="x", set="all"), e[1], e[2]) for e in subset],
            weights_function(WEIGHTS[language]),
        ).values()
        shipped = (0, r1, r3, mrr, WEIGHTS[language])
        print(
            f"  {language}: best r@1 {best[1]:.2f} r@3 {best[2]:.2f} MRR {best[3]:.2f} "
            f"{best[4]}\n      shipped r@1 {shipped[1]:.2f} r@3 {shipped[2]:.2f} "
            f"MRR {shipped[3]:.2f} {shipped[4]}"
        )


def synthetic_files(folder: Path, chunks: list, target_chunks: int, seed: int = 7) -> int:
    """Write files of shuffled real sentences (per language) until about `target_chunks`
    chunks' worth of text exists; each file ≈ 8 passages of ≈ 700 characters."""
    rng = random.Random(seed)
    sentences: dict[str, list[str]] = {}
    for chunk in chunks:
        for sentence in re.split(r"(?<=[.!?])\s+", chunk.text):
            if len(sentence) > 30:
                sentences.setdefault(chunk.language, []).append(sentence)
    languages = sorted(sentences)
    written = len(list(folder.glob("*.md")))
    while written * 8 < target_chunks:
        language = languages[written % len(languages)]
        pool = sentences[language]
        paragraphs = []
        for _ in range(8):
            text, words = [], 0
            while words < 110:
                sentence = rng.choice(pool)
                text.append(sentence)
                words += len(sentence.split())
            paragraphs.append(f"## Afsnit {rng.randrange(10**6)}\n\n" + " ".join(text))
        (folder / f"synthetic_{written:06d}.md").write_text(
            f"# Synthetic {written}\n\n" + "\n\n".join(paragraphs), encoding="utf-8"
        )
        written += 1
    return written


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(run, questions: list) -> tuple[float, float]:
    """p50 and p95 in ms of `run(question)` over the questions, after one warm-up pass."""
    for _, item in questions:
        run(item)
    latencies = []
    for _, item in questions:
        started = time.perf_counter()
        run(item)
        latencies.append((time.perf_counter() - started) * 1000)
    return statistics.median(latencies), statistics.quantiles(latencies, n=20)[18]


_SERVE_AND_MEASURE = """
import json, sys
from pathlib import Path
from knowledge.knowledge_base import KnowledgeBase
base = KnowledgeBase(Path(sys.argv[1]))
for question in json.loads(sys.stdin.read()):
    base.ask(question)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
status = Path("/proc/self/status").read_text().splitlines()
print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024)
"""


def serving_rss_mb(index_path: Path, questions: list) -> float:
    """Peak RSS of a fresh process that opens the index and answers every question: what
    one bot process costs, unlike this benchmark's own RSS (it holds several indexes)."""
    import json
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", _SERVE_AND_MEASURE, str(index_path)],
        input=json.dumps([item["question"] for _, item in questions]),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(result.stdout.strip().splitlines()[-1])


def scale(real_index: Index, questions: list, sizes: list[int]) -> None:
    print("\nScale (synthetic corpus grown from the real passages; warm search per question)")
    real_chunks = real_index._refresh_lexical().chunks
    work = Path(tempfile.mkdtemp(prefix="jb-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        index = Index(work / "index")
        baseline_p50 = None
        for size in sizes:
            synthetic_files(corpus, real_chunks, size)
            started = time.perf_counter()
            report = index.ingest([corpus])
            seconds = time.perf_counter() - started
            count = index.count()
            p50, p95 = _timed(
                lambda item: index.search(item["question"], item["language"]), questions
            )  # noqa: E501
            # The whole answer path (validation, language, retrieval, abstention, extractive
            # answer) is what a Slack user waits for; search alone is part of it.
            base = KnowledgeBase(work / "index", index=index)
            ask50, ask95 = _timed(lambda item, kb=base: kb.ask(item["question"]), questions)
            baseline_p50 = baseline_p50 or ask50
            print(
                f"  {count:6d} chunks: ask p50 {ask50:6.1f} ms  p95 {ask95:6.1f} ms "
                f"(p50 × {ask50 / baseline_p50:.1f} vs smallest; search alone p50 {p50:.1f} / "
                f"p95 {p95:.1f} ms); ingest of {report.chunks} new chunks {seconds:.1f} s = "
                f"{report.chunks / seconds:.0f} chunks/s; answering process RSS "
                f"{serving_rss_mb(work / 'index', questions):.0f} MB"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def use_seeds(folder: Path) -> None:
    """Point the seed question set at `folder`, after checking each answer passage is in it."""
    global SEEDS
    SEEDS = QUESTION_FILES["questions_seeds.yaml"] = folder
    if not folder.is_dir():
        print(f"{folder} is not a folder: the seed questions are left out")
        return
    texts = {path.name: _norm(path.read_text("utf-8")) for path in folder.iterdir()}
    items = yaml.safe_load((ROOT / "tests" / "data" / "questions_seeds.yaml").read_text("utf-8"))
    stale = [
        item["question"]
        for item in items
        if item["kind"] != "off_topic"
        and _norm(item["contains"]) not in texts.get(item["source"], "")
    ]
    if stale:
        print(f"warning: {len(stale)} seed questions point at text not in {folder}: {stale[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="scale to 10k chunks only")
    parser.add_argument("--tune", action="store_true", help="grid-search fusion weights")
    parser.add_argument("--no-scale", action="store_true", help="quality only")
    parser.add_argument(
        "--seeds",
        type=Path,
        default=SEEDS,
        help="folder of the reference articles that questions_seeds.yaml is about",
    )
    args = parser.parse_args()
    use_seeds(args.seeds)
    print(f"Machine: {machine()}")
    questions = load_questions()
    with tempfile.TemporaryDirectory(prefix="jb-quality-") as tmp:
        # Each question set over its own articles first: the seeds' questions over the
        # seeds, the starter questions over the starter corpus (as the tests measure).
        alone_evaluated: list = []
        for label, folder in (("seeds", SEEDS), ("starter", CORPUS)):
            own = [q for q in questions if q[1]["set"] == label]
            if not own or not folder.exists():
                continue
            alone = Index(Path(tmp) / f"index-{label}")
            report = alone.ingest([folder])
            print(f"\n== {label} questions over {folder.name}/ alone: {report.chunks} chunks ==")
            alone_evaluated += evaluate(alone, own)
            print_quality(alone_evaluated[-len(own) :])
        index = Index(Path(tmp) / "index")
        sources = [path for path in (SEEDS, CORPUS) if path.exists()]
        started = time.perf_counter()
        report = index.ingest(sources)
        print(
            f"\n== all questions over seeds + starter corpus in one index: {report.chunks} chunks "
            f"from {report.added} files in {time.perf_counter() - started:.1f} s "
            f"({len(questions)} answerable questions; a seed question answered by a starter "
            "article counts as a miss) =="
        )
        evaluated = evaluate(index, questions)
        print_quality(evaluated)
        print_answering(index, questions)
        if args.tune:  # on each set over its own articles: what a deployment looks like
            tune(alone_evaluated)
        if not args.no_scale:
            sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000]
            scale(index, questions, sizes)
    print(f"\nPeak RSS of this run: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
