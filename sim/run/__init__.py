"""Running configurations: replications and their tables, one job's folder, sweeps.

- `schema`: the column types of the three tables;
- `replications`: seeds, runs and the tables of one configuration;
- `progress`: progress lines on stderr;
- `job`: one configuration run into its results folder;
- `sweep`, `callbacks`: a Hydra sweep's planning, jobs and aggregation.
"""
