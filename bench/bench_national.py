"""`make bench-national`: the real Dagster job on national-size input (issue 12).

Builds the inputs once with ../shared/tools/make_national.py (K = 190 tiles of the demo gemeente:
~14,000 wijken, ~5 GB of CSV; also 10 and 50 for the scaling curve; 1 = the demo itself) into
bench/out/national/, then runs each in its own process (so that every peak is that run's own) and
prints wall time and peak resident memory per stage, the raw-scan floor (DuckDB reading every CSV
once, measured in this run on the largest input) and the curve. Every run starts from an empty
database; then a monthly delivery (one police file more) runs on the database of the largest run.

Targets (issue 12, 2 cores): national run <= 10 min wall, <= 6 GB peak RSS, <= 5x the floor;
the demo <= 20 s.

    python bench/bench_national.py [--k 190] [--curve 1,10,50,190]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out" / "national"
TOOL = ROOT.parent / "shared" / "tools" / "make_national.py"
TARGET_SECONDS, TARGET_GB, TARGET_FLOOR_RATIO, TARGET_DEMO_SECONDS = 600, 6.0, 5.0, 20


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """This process's resident memory every 20 ms (includes DuckDB's native memory)."""

    def __init__(self):
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), rss_mb()))
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def peak(self, t0: float = 0.0, t1: float = float("inf")) -> float:
        return max((mb for t, mb in self.samples if t0 <= t <= t1), default=0.0)


def ensure_input(k: int) -> Path:
    """The raw folder for K tiles (1 = the demo itself), built once."""
    demo = OUT / "demo"
    if not (demo / "areas" / "areas.csv").exists():
        from pipeline.demo.generator import generate

        print("demodata genereren …", flush=True)
        generate(demo)
    if k == 1:
        return demo
    raw = OUT / f"k{k}"
    if not (raw / "areas" / "areas.csv").exists():
        print(f"invoer K = {k} bouwen met {TOOL.name} …", flush=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, str(TOOL), "--src", str(demo), "--out", str(raw), "--k", str(k)],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"  klaar in {time.perf_counter() - start:.0f} s (niet meegeteld)", flush=True)
    return raw


def size_of(raw: Path) -> tuple[int, int]:
    files = [p for p in raw.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def floor(raw: Path) -> dict:
    """DuckDB reading every CSV once (all text, errors skipped): what no pipeline can beat."""
    import duckdb

    con = duckdb.connect()
    rows = 0
    with Sampler() as sampler:
        start = time.perf_counter()
        for path in sorted(raw.rglob("*.csv")):
            query = ("SELECT count(*) FROM read_csv(?, all_varchar = true, header = true, strict_mode = false, "
                     "ignore_errors = true, null_padding = true{})")
            try:
                rows += con.execute(query.format(""), [str(path)]).fetchone()[0]
            except duckdb.Error:  # "null_padding with quoted new lines" (a multi-line field): not in parallel
                rows += con.execute(query.format(", parallel = false"), [str(path)]).fetchone()[0]
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": sampler.peak(), "rows": rows}


def one_run(raw: Path, marts: Path, fresh: bool = True) -> dict:
    """The real Dagster job once, in this process: wall time, per-stage time and peak memory.
    fresh: from an empty database (a full run); else on the database of the run before, as a
    delivery is (unchanged files are not read again)."""
    from bench.bench_pipeline import empty_database, stage_of
    from pipeline.cli import run_pipeline

    if fresh:
        empty_database(marts)

    spans: dict[str, list[float]] = {}

    def on_step(event: str, step: str) -> None:
        now = time.perf_counter()
        if event == "STEP_START":
            spans[step] = [now, now]
        elif step in spans:
            spans[step][1] = now

    with Sampler() as sampler:
        start = time.perf_counter()
        info = run_pipeline(raw, marts, quiet=True, on_step=on_step)
        total = time.perf_counter() - start
    stages: dict[str, dict] = defaultdict(lambda: {"steps": 0, "seconds": 0.0, "peak_mb": 0.0})
    for step, (t0, t1) in spans.items():
        stage = stages[stage_of(step)]
        stage["steps"] += 1
        stage["seconds"] += t1 - t0
        stage["peak_mb"] = max(stage["peak_mb"], sampler.peak(t0, t1))
    return {"seconds": total, "peak_mb": sampler.peak(), "stages": dict(stages),
            "wijk_years": info.get("wijken_gepubliceerd")}


def run_in_child(raw: Path, marts: Path, fresh: bool = True) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", str(raw), "--marts", str(marts),
                          *([] if fresh else ["--delivery"])], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


DELIVERY = "politie/geregistreerde_misdrijven_bench_maandlevering.csv"


def monthly_delivery(raw: Path, marts: Path) -> dict | None:
    """A month of police figures more (the input's revision file, moved on one month), run on the
    database of the full run before, then taken out again: what a monthly delivery costs."""
    revisions = sorted((raw / "politie").glob("*revisie*.csv"))
    if not revisions:
        return None
    text = revisions[-1].read_text(encoding="utf-8")
    periods = sorted(set(re.findall(r"\d{4}MM\d{2}", text)))
    if not periods:
        return None
    year, month = int(periods[-1][:4]), int(periods[-1][6:])
    later = f"{year + month // 12}MM{month % 12 + 1:02d}"
    target = raw / DELIVERY
    target.write_text(text.replace(periods[-1], later), encoding="utf-8")
    try:
        return run_in_child(raw, marts, fresh=False)
    finally:
        target.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", type=int, default=190)
    parser.add_argument("--curve", default="1,10,50")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--marts", help=argparse.SUPPRESS)
    parser.add_argument("--delivery", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child: one run, its figures as JSON on the last line
        print(json.dumps(one_run(Path(args.one), Path(args.marts), fresh=not args.delivery)))
        return 0
    ks = sorted({*(int(k) for k in args.curve.split(",") if k), args.k})
    inputs = {k: ensure_input(k) for k in ks}
    results = {}
    for k in ks:
        files, size = size_of(inputs[k])
        print(f"K = {k}: {files} bestanden, {size / 1e9:.2f} GB — run …", flush=True)
        results[k] = run_in_child(inputs[k], OUT / f"marts_k{k}")
        results[k]["bytes"] = size
        print(f"  {results[k]['seconds']:.1f} s, piek {results[k]['peak_mb'] / 1024:.2f} GB", flush=True)
    delivery = monthly_delivery(inputs[args.k], OUT / f"marts_k{args.k}")
    base = floor(inputs[args.k])

    big = results[args.k]
    print(f"\nNationale run (K = {args.k}), per stap:")
    print(f"{'stap':<24}{'stappen':>8}{'wandtijd (s)':>14}{'piekgeheugen (MB)':>20}")
    for name in sorted(big["stages"]):
        s = big["stages"][name]
        print(f"{name:<24}{s['steps']:>8}{s['seconds']:>14.1f}{s['peak_mb']:>20.0f}")
    print(f"{'totaal (incl. Dagster)':<24}{'':>8}{big['seconds']:>14.1f}{big['peak_mb']:>20.0f}")
    print(f"\nVloer: DuckDB leest elke CSV één keer: {base['seconds']:.1f} s, piek {base['peak_mb']:.0f} MB "
          f"({base['rows']:,} rijen)".replace(",", "."))
    print("\nSchaalcurve:")
    print(f"{'K':>5}{'GB invoer':>11}{'wandtijd (s)':>14}{'piek (GB)':>11}{'s per GB':>10}")
    for k in ks:
        r = results[k]
        print(f"{k:>5}{r['bytes'] / 1e9:>11.2f}{r['seconds']:>14.1f}{r['peak_mb'] / 1024:>11.2f}"
              f"{r['seconds'] / (r['bytes'] / 1e9):>10.1f}")
    ratio = big["seconds"] / base["seconds"]
    checks = [
        (f"nationaal ≤ {TARGET_SECONDS} s", big["seconds"] <= TARGET_SECONDS, f"{big['seconds']:.0f} s"),
        (f"nationaal ≤ {TARGET_GB:.0f} GB piek", big["peak_mb"] / 1024 <= TARGET_GB, f"{big['peak_mb'] / 1024:.2f} GB"),
        (f"nationaal ≤ {TARGET_FLOOR_RATIO:.0f}× de vloer", ratio <= TARGET_FLOOR_RATIO, f"{ratio:.1f}×"),
    ]
    if delivery:
        share = delivery["seconds"] / big["seconds"]
        print(f"\nMaandlevering (K = {args.k}, één politiebestand erbij, op de database van de volledige run): "
              f"{delivery['seconds']:.1f} s = {share:.0%} van de volledige run; per stap:")
        for name in sorted(delivery["stages"]):
            print(f"  {name:<22}{delivery['stages'][name]['seconds']:>8.1f} s")
        checks.append(("maandlevering ≤ 20% van de run", share <= 0.2, f"{share:.0%}"))
    if 1 in results:
        checks.append((f"demo ≤ {TARGET_DEMO_SECONDS} s", results[1]["seconds"] <= TARGET_DEMO_SECONDS,
                       f"{results[1]['seconds']:.1f} s"))
    print("\nDoelen:")
    for label, ok, value in checks:
        print(f"  {label:<28} {value:>10}  {'binnen' if ok else 'BUITEN'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
