"""Emulators: a fast statistical stand-in for the model's expected summary at any point.

One emulator per summary (Vernon, Goldstein and Bower 2010; Andrianakis et al. 2015):
inputs are the sampled parameters scaled to [0, 1] by their priors. A random forest
ranks the inputs by how much they move the summary and keeps the `active` ones (the
rest enter as unexplained variation, a white-noise term); a Gaussian process with a
Matern 5/2 kernel and one length scale per active input (scikit-learn) is fitted to
the points' means, each point's replicate sampling variance added to its diagonal (so
a point run ten times counts for what ten runs are worth). The emulator predicts the
expected summary and its standard deviation, which the implausibility adds to the
discrepancy.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["Emulator", "fit_emulator"]


@dataclass
class Emulator:
    """A fitted emulator of one summary."""

    key: str
    active: np.ndarray  # indices of the inputs it uses
    model: object  # sklearn GaussianProcessRegressor
    offset: float  # the training values' mean and scale (predictions are unscaled)
    scale: float
    score: float  # leave-out R^2 on held-back points (a diagnostic, NaN if too few)

    def predict(self, unit: np.ndarray, batch: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
        """Expected summary and its sd at points `unit` (rows in [0, 1]^d)."""
        means, sds = [], []
        for start in range(0, len(unit), batch):
            x = unit[start : start + batch, self.active]
            mean, sd = self.model.predict(x, return_std=True)
            means.append(mean * self.scale + self.offset)
            sds.append(sd * self.scale)
        if not means:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(means), np.concatenate(sds)


def _rank_inputs(unit: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """Inputs ordered by a random forest's impurity importance (most important first)."""
    from sklearn.ensemble import RandomForestRegressor

    forest = RandomForestRegressor(
        n_estimators=200, min_samples_leaf=5, max_features=0.33, random_state=seed, n_jobs=1
    )
    forest.fit(unit, y)
    return np.argsort(-forest.feature_importances_, kind="stable")


def fit_emulator(
    key: str,
    unit: np.ndarray,
    values: np.ndarray,
    variances: np.ndarray,
    *,
    active: int = 8,
    seed: int = 0,
    holdout: float = 0.1,
) -> Emulator | None:
    """Fit one summary's emulator on points `unit` with means `values` and their variances.

    Points whose value is undefined (NaN) are left out; None when fewer than 20 remain.
    `holdout` of the points are held back to score the fit (R^2 on them; NaN when
    their values hardly vary, where R^2 says nothing); the emulator is the fit on the
    rest (one fit: a Gaussian process costs the cube of its points).
    """
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    keep = np.isfinite(values) & np.isfinite(variances)
    x, y, var = unit[keep], values[keep], variances[keep]
    if len(y) < 20:
        return None
    offset, scale = float(y.mean()), float(y.std())
    if not scale > 0:
        scale = 1.0
    z, noise = (y - offset) / scale, np.maximum(var, 1e-12) / scale**2
    order = _rank_inputs(x, z, seed)
    chosen = np.sort(order[: min(active, x.shape[1])])

    def fit(rows: np.ndarray):
        kernel = ConstantKernel(1.0, (1e-3, 1e2)) * Matern(
            length_scale=np.full(len(chosen), 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
        ) + WhiteKernel(0.05, (1e-6, 1.0))
        gp = GaussianProcessRegressor(
            kernel, alpha=noise[rows], normalize_y=False, n_restarts_optimizer=1, random_state=seed
        )
        with warnings.catch_warnings():  # bounds reached on an irrelevant input: harmless
            warnings.simplefilter("ignore")
            gp.fit(x[rows][:, chosen], z[rows])
        return gp

    score = float("nan")
    rng = np.random.default_rng(seed)
    test = rng.random(len(y)) < holdout if holdout > 0 and len(y) >= 60 else np.zeros(len(y), bool)
    model = fit(np.flatnonzero(~test))
    if test.any():
        predicted = model.predict(x[test][:, chosen])
        residual = ((z[test] - predicted) ** 2).sum()
        total = ((z[test] - z[test].mean()) ** 2).sum()
        if total > 1e-6 * test.sum():  # values that hardly vary: R^2 says nothing
            score = float(1 - residual / total)
    return Emulator(key, chosen, model, offset, scale, score)
