"""Benchmarks: each prints a table comparing ours with the plain use of the same library, side by
side in one run (these machines are noisy). ``python -m bench`` lists them; results and how they
were measured are in ``bench/README.md``."""
