"""Turn fitted scikit-learn and XGBoost models into the numpy scorers of `predictor.py`. Training side only."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from emberwatch.ml.predictor import FloatArray, IntArray, LinearScorer, TreeScorer


def linear(pipeline: Any) -> LinearScorer:
    scaler, model = pipeline.named_steps["scale"], pipeline.named_steps["model"]
    return LinearScorer(
        mean=np.asarray(scaler.mean_, dtype=np.float64),
        scale=np.asarray(scaler.scale_, dtype=np.float64),
        coef=np.asarray(model.coef_, dtype=np.float64),
        intercept=np.asarray(model.intercept_, dtype=np.float64),
    )


def _pad(trees: list[dict[str, Any]], classes: int) -> tuple[IntArray, FloatArray, IntArray, IntArray, FloatArray, int]:
    width = max(len(t["feature"]) for t in trees)
    n = len(trees)
    feature = np.zeros((n, width), dtype=np.int64)
    threshold = np.zeros((n, width))
    left = np.tile(np.arange(width), (n, 1))
    right = left.copy()
    value = np.zeros((n, width, classes))
    depth = 0
    for i, t in enumerate(trees):
        size = len(t["feature"])
        nodes = np.arange(size)
        leaf = t["left"] < 0
        feature[i, :size] = np.where(leaf, 0, t["feature"])
        threshold[i, :size] = np.where(leaf, 0.0, t["threshold"])
        left[i, :size] = np.where(leaf, nodes, t["left"])
        right[i, :size] = np.where(leaf, nodes, t["right"])
        value[i, :size] = t["value"]
        depth = max(depth, t["depth"])
    return feature, threshold, left, right, value, depth


def _depth(left: IntArray, right: IntArray) -> int:
    depth, frontier = 0, [0]
    while True:
        children = [c for n in frontier for c in (left[n], right[n]) if c >= 0]
        if not children:
            return depth
        depth, frontier = depth + 1, children


def forest(model: Any) -> TreeScorer:
    trees = []
    for estimator in model.estimators_:
        tree = estimator.tree_
        proportions = tree.value[:, 0, :] / tree.value[:, 0, :].sum(axis=1, keepdims=True)
        trees.append(
            {
                "feature": tree.feature,
                "threshold": tree.threshold,
                "left": tree.children_left,
                "right": tree.children_right,
                "value": proportions,
                "depth": _depth(tree.children_left, tree.children_right),
            }
        )
    feature, threshold, left, right, value, depth = _pad(trees, len(model.classes_))
    return TreeScorer("forest", feature, threshold, left, right, value, depth, np.zeros(len(model.classes_)))


def _node_means(t: dict[str, Any]) -> FloatArray:
    """Cover-weighted mean of the leaves under each node, as XGBoost computes for approximate contributions."""
    left, right = np.asarray(t["left_children"]), np.asarray(t["right_children"])
    weights, cover = np.asarray(t["base_weights"], dtype=np.float64), np.asarray(t["sum_hessian"], dtype=np.float64)
    means = np.zeros(left.size)

    def fill(node: int) -> float:
        if left[node] < 0:
            means[node] = weights[node]
        else:
            lm, rm = fill(int(left[node])), fill(int(right[node]))
            means[node] = (lm * cover[left[node]] + rm * cover[right[node]]) / cover[node]
        return float(means[node])

    fill(0)
    return means


def boosted(model: Any, x_reference: FloatArray) -> TreeScorer:
    import xgboost as xgb

    booster = model.get_booster()
    dump = json.loads(booster.save_raw("json").decode())["learner"]["gradient_booster"]["model"]
    classes = int(model.n_classes_)
    trees = []
    for tree, klass in zip(dump["trees"], dump["tree_info"], strict=True):
        left = np.asarray(tree["left_children"])
        value = np.zeros((left.size, classes))
        value[:, klass] = _node_means(tree)
        trees.append(
            {
                "feature": np.asarray(tree["split_indices"]),
                # XGBoost keeps float32 thresholds; the JSON text only approximates them.
                "threshold": np.asarray(tree["split_conditions"], dtype=np.float32).astype(np.float64),
                "left": left,
                "right": np.asarray(tree["right_children"]),
                "value": value,
                "depth": _depth(left, np.asarray(tree["right_children"])),
            }
        )
    feature, threshold, left, right, value, depth = _pad(trees, classes)
    scorer = TreeScorer("boosted", feature, threshold, left, right, value, depth, np.zeros(classes))
    # The intercept (XGBoost's base score in margin space) is what the trees leave unexplained.
    margins = booster.predict(xgb.DMatrix(x_reference), output_margin=True)
    leaves, _ = scorer._leaves(x_reference)
    tree_sum = value[np.arange(feature.shape[0])[None, :], leaves].sum(axis=1)
    intercept = np.median(margins - tree_sum, axis=0)
    return TreeScorer("boosted", feature, threshold, left, right, value, depth, intercept)
