"""`make bench`: wall time and peak memory per stage of the demo pipeline.

Demo data is generated once into bench/out/raw (not timed as part of the pipeline). The pipeline
runs as the real Dagster job; a sampler thread reads this process's resident memory (VmRSS) every
10 ms, so each stage's peak includes DuckDB's native memory, which tracemalloc would not see.
Target (issue 2): the whole demo pipeline under 60 s on a 2-core machine.
"""

import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.cli import run_pipeline  # noqa: E402
from pipeline.demo_data import generate  # noqa: E402
from pipeline.sql_models import discover_models  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_SECONDS = 60


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def stage_of(step: str) -> str:
    models = discover_models()
    if "_gx_" in step or step.endswith("rows_accounted_for"):
        return "5 controles (GX)"
    if step == "method_config":
        return "0 methode"
    if step.startswith("raw_"):
        return "1 inlezen (CSV)"
    if step == "publication":
        return "6 publiceren"
    layer = models[step].layer if step in models else "?"
    return {"staging": "2 staging (SQL)", "intermediate": "3 intermediate (SQL)", "marts": "4 marts (SQL)"}.get(layer, layer)


def main() -> int:
    raw = OUT / "raw"
    if not (raw / "areas" / "areas.csv").exists():
        start = time.perf_counter()
        generate(raw)
        print(f"demodata gegenereerd in {time.perf_counter() - start:.1f} s (niet meegeteld)")
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((time.perf_counter(), rss_mb()))
            time.sleep(0.01)

    spans: dict[str, list[float]] = {}
    def on_step(event: str, step: str) -> None:
        now = time.perf_counter()
        if event == "STEP_START":
            spans[step] = [now, now]
        elif step in spans:
            spans[step][1] = now

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    run_pipeline(raw, OUT / "marts", quiet=True, on_step=on_step)
    total = time.perf_counter() - start
    stop.set()
    sampler.join()

    stages: dict[str, dict] = defaultdict(lambda: {"steps": 0, "seconds": 0.0, "peak": 0.0})
    for step, (t0, t1) in spans.items():
        s = stages[stage_of(step)]
        s["steps"] += 1
        s["seconds"] += t1 - t0
        s["peak"] = max([s["peak"], *(mb for t, mb in samples if t0 <= t <= t1)])
    print(f"\n{'stap':<24}{'stappen':>8}{'wandtijd (s)':>14}{'piekgeheugen (MB)':>20}")
    for name in sorted(stages):
        s = stages[name]
        print(f"{name:<24}{s['steps']:>8}{s['seconds']:>14.1f}{s['peak']:>20.0f}")
    peak = max(mb for _, mb in samples)
    print(f"{'totaal (incl. Dagster)':<24}{len(spans):>8}{total:>14.1f}{peak:>20.0f}")
    verdict = "binnen" if total < TARGET_SECONDS else "BOVEN"
    print(f"\nDoel: hele demopipeline onder {TARGET_SECONDS} s — {verdict} het doel ({total:.1f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
