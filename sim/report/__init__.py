"""The report of a results folder, and the README's headline figures.

`python -m sim.report RESULTS_DIR` is the command line (`__main__`); `build` makes the
figures and comparison tables, `html` writes the one offline page, and
`python -m sim.report.headline SWEEP` redraws the README's figures.
"""
