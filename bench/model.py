"""Model benchmarks (SPEC §5): training time for 1,000 users × 180 days, one in-request prediction (p50/p99),
batch scoring throughput — and, measured side by side in the same run, the training libraries' own single-row
predict_proba, which the numpy export replaces in the API.

    make bench-model      # or: .venv/bin/python -m bench.model [--users 1000 --days 180]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emberwatch.ml.batch import CheckInRow, score
from emberwatch.ml.features import Items, window_features
from emberwatch.ml.simulator import SimulationConfig, simulate
from emberwatch.ml.training import build_dataset, train


def _latency(call: Callable[[], object], n: int) -> dict[str, float]:
    for _ in range(50):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - started) / 1000)
    q = statistics.quantiles(samples, n=100)
    return {"p50_us": round(q[49], 1), "p99_us": round(q[98], 1)}


def run(users: int, days: int, predictions: int) -> dict[str, Any]:
    config = SimulationConfig(users=users, days=days, seed=7)
    started = time.perf_counter()
    sim = simulate(config)
    training = train(sim, seed=7)
    train_seconds = time.perf_counter() - started

    data = build_dataset(simulate(SimulationConfig(users=200, days=60, seed=11)))
    rows = data.x[:2000]
    window = {sim.dates[d]: Items(3, 3, 3) for d in range(7)}
    features = window_features(window, sim.dates[6])
    assert features is not None
    one = rows[:1]

    results: dict[str, Any] = {}
    for candidate in training.candidates:
        model = candidate.model
        results[candidate.algorithm] = {
            "fit_seconds": candidate.fit_seconds,
            "predict_with_explanation": _latency(lambda m=model: m.predict(features), predictions),  # type: ignore[misc]
            "proba_one_row": _latency(lambda m=model: m.proba(one), predictions),  # type: ignore[misc]
        }

    # The libraries' own single-row predictions, refitted the same way, for the ratio.
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from xgboost import XGBClassifier

    fit = build_dataset(simulate(SimulationConfig(users=300, days=60, seed=7)))
    libraries = {
        "logistic_regression": LogisticRegression(max_iter=2000).fit(fit.x, fit.y),
        "random_forest": RandomForestClassifier(n_estimators=120, max_depth=10, min_samples_leaf=25, n_jobs=-1).fit(
            fit.x, fit.y
        ),
        "xgboost": XGBClassifier(n_estimators=150, max_depth=4, tree_method="hist", n_jobs=2).fit(fit.x, fit.y),
    }
    for name, estimator in libraries.items():
        library = _latency(lambda e=estimator: e.predict_proba(one), max(200, predictions // 10))  # type: ignore[misc]
        ours = results[name]["proba_one_row"]
        results[name]["library_predict_proba_one_row"] = library
        results[name]["library_over_numpy_p50"] = round(library["p50_us"] / ours["p50_us"], 1)

    checkins = [
        CheckInRow(i, sim.user_id(u), day, items)
        for i, (u, day, items) in enumerate(
            (u, day, items) for u in range(min(users, 500)) for day, items in sim.observed(u).items()
        )
    ]
    best = training.candidates[[c.algorithm for c in training.candidates].index(training.chosen)].model
    started = time.perf_counter()
    scored = score(checkins, best)
    batch_seconds = time.perf_counter() - started
    return {
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(), "cores": 2},
        "training": {
            "users": users,
            "days": days,
            "windows": training.data_summary["windows"],
            "total_seconds": round(train_seconds, 2),
            "target_seconds": 60,
            "chosen": training.chosen,
        },
        "models": results,
        "batch_scoring": {
            "rows": len(scored),
            "seconds": round(batch_seconds, 3),
            "rows_per_second": round(len(scored) / batch_seconds),
            "model": best.version,
        },
    }


def markdown(report: dict[str, Any]) -> str:
    t = report["training"]
    lines = [
        f"Training {t['users']} users × {t['days']} days ({t['windows']} windows), all four candidates: "
        f"**{t['total_seconds']} s** (target ≤ {t['target_seconds']} s).",
        "",
        "| model | fit s | predict + explanation p50 / p99 (µs) | numpy proba p50 (µs) "
        "| library proba p50 (µs) | library ÷ numpy |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in report["models"].items():
        library = m.get("library_predict_proba_one_row", {}).get("p50_us", "—")
        ratio = m.get("library_over_numpy_p50", "—")
        p = m["predict_with_explanation"]
        lines.append(
            f"| {name} | {m['fit_seconds']} | {p['p50_us']} / {p['p99_us']} | {m['proba_one_row']['p50_us']} "
            f"| {library} | {ratio} |"
        )
    b = report["batch_scoring"]
    lines += ["", f"Batch scoring: {b['rows']} rows in {b['seconds']} s = **{b['rows_per_second']} rows/s**."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--predictions", type=int, default=5000)
    parser.add_argument("--output", type=Path, default=Path("bench/out/model.json"))
    args = parser.parse_args()
    report = run(args.users, args.days, args.predictions)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    print(markdown(report))


if __name__ == "__main__":
    main()
