"""History matching: the calibration method of `python -m sim.calibrate`.

`summaries` (the record as intervals with discrepancies), `emulator` (Gaussian-process
stand-ins for the model), `implausibility`, `design` (where to run), `space` (the
sampled parameters), `waves` and `match` (the procedure), `report` and `run` (what it
writes). `sim.analysis.calibration` holds the configuration.
"""
