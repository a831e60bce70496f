"""Calibration: from raw similarity to gain (no model needed)."""

from __future__ import annotations

import numpy as np

from meetmatch.matching import calibration


def gains_at(z: np.ndarray) -> np.ndarray:
    """Gains for similarities that stand ``z`` spreads above typical on both sides."""
    sim = np.asarray(z, dtype=np.float32)[None, :]
    zero, one = np.zeros(1, dtype=np.float32), np.ones(1, dtype=np.float32)
    typical = np.zeros(sim.shape[1], dtype=np.float32)
    spread = np.ones(sim.shape[1], dtype=np.float32)
    return calibration.gains(sim, zero, one, typical, spread)[0]


def test_noise_gains_nothing():
    z = np.array([-3.0, 0.0, 1.0, calibration.Z_ZERO - 0.01, calibration.Z_ZERO])
    assert gains_at(z).tolist() == [0.0] * 5


def test_a_stronger_match_keeps_a_higher_gain():
    # No cap at 1: a need answered 4 spreads above typical beats one answered 3 above,
    # so the solver sees which of two good partners answers it better.
    z = calibration.Z_ZERO + np.array([0.25, 0.5, 1.0, 2.0, 3.0, 4.0])
    g = gains_at(z)
    assert np.all(np.diff(g) > 0)
    assert 0.0 < g[0] < 0.25 and g[-1] < 1.0
    assert g[2] >= 0.6  # one spread past the cut-off already counts as a good answer


def test_both_sides_count():
    # The same similarity gains less when the offer is near every need (a hub).
    sim = np.full((1, 2), 3.0, dtype=np.float32)
    one = np.ones(1, dtype=np.float32)
    g = calibration.gains(sim, np.zeros(1, dtype=np.float32), one,
                          np.array([0.0, 1.5], dtype=np.float32), np.ones(2, dtype=np.float32))
    assert g[0, 0] > g[0, 1] > 0
