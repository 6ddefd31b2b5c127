"""Running configurations: replications and their tables, one job's folder, sweeps.

- `schema`: the column types of the three tables;
- `replications`: seeds, runs and the tables of one configuration;
- `progress`: progress bars on stderr (tqdm, on a terminal only);
- `command`: the command-line convention of every `python -m sim.*` command;
- `engines`, `batch`: the study commands' jobs, on local processes or Ray, into a store folder;
- `job`: one configuration run into its results folder;
- `sweep`, `callbacks`: a Hydra sweep's planning, jobs and aggregation.
"""
