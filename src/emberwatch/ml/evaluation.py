"""The metrics of SPEC §2.2 for any model that gives class probabilities: per-class precision, recall and F1,
macro one-vs-rest ROC-AUC, multi-class Brier score, log-loss, a calibration table and the confusion matrix."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import confusion_matrix, log_loss, precision_recall_fscore_support, roc_auc_score

from emberwatch.ml.kalimo import LEVELS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
HIGH = 2


def recall_threshold(p_high: FloatArray, y: IntArray, target_recall: float = 0.90) -> float:
    """The highest threshold on P(high) that still flags at least `target_recall` of the truly high windows."""
    positives = np.sort(p_high[y == HIGH])[::-1]
    if positives.size == 0:
        return 0.5
    k = int(np.ceil(target_recall * positives.size)) - 1
    return float(positives[k])


def calibration_table(p_high: FloatArray, y: IntArray, bins: int = 10) -> list[dict[str, Any]]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p_high, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = index == b
        if mask.any():
            rows.append(
                {
                    "bin": f"{edges[b]:.1f}–{edges[b + 1]:.1f}",
                    "mean_predicted": round(float(p_high[mask].mean()), 4),
                    "observed_high": round(float((y[mask] == HIGH).mean()), 4),
                    "count": int(mask.sum()),
                }
            )
    return rows


def _clipped(proba: FloatArray) -> FloatArray:
    """Keep log-loss finite for hard probabilities (the rule's), still summing to one."""
    p = np.clip(proba, 1e-6, 1.0)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def evaluate(proba: FloatArray, y: IntArray, threshold: float) -> dict[str, Any]:
    predicted = proba.argmax(axis=1)
    precision, recall, f1, support = precision_recall_fscore_support(y, predicted, labels=[0, 1, 2], zero_division=0)
    onehot = np.eye(3)[y]
    flagged = proba[:, HIGH] >= threshold
    truly_high = y == HIGH
    return {
        "n": int(y.size),
        "per_class": {
            level: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, level in enumerate(LEVELS)
        },
        "accuracy": round(float((predicted == y).mean()), 4),
        "macro_f1": round(float(f1.mean()), 4),
        "macro_roc_auc": round(float(roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=[0, 1, 2])), 4),
        "brier": round(float(((proba - onehot) ** 2).sum(axis=1).mean()), 4),
        "log_loss": round(float(log_loss(y, _clipped(proba), labels=[0, 1, 2])), 4),
        "at_risk": {
            "threshold": round(threshold, 4),
            "recall": round(float(flagged[truly_high].mean()) if truly_high.any() else 0.0, 4),
            "precision": round(float(truly_high[flagged].mean()) if flagged.any() else 0.0, 4),
            "flagged_share": round(float(flagged.mean()), 4),
        },
        "calibration_high": calibration_table(proba[:, HIGH], y),
        "confusion_matrix": confusion_matrix(y, predicted, labels=[0, 1, 2]).tolist(),
    }
