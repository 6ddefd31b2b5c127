"""Reading results: designs and labels, statistics, comparisons, patterns, calibration.

- `stats`: intervals and pairwise tests;
- `designs`: which columns name a design, readable labels, per-design summaries;
- `compare`: design comparison tables;
- `trace`: one stored replication re-run with a recorder (for single-run figures);
- `patterns`: observed patterns as data, and scoring runs against them;
- `calibration`: rejection ABC of the assumptions against a pattern table.
"""
