"""When the cyclic garbage collector runs in the night's processes: the one place that sets it, with the reasons.

A night allocates millions of small objects (cells, findings, decimals) that all die by reference counting, yet
each 700 allocations set off a collection, and every older-generation pass walks everything alive. Two processes,
two policies (the figures are in docs/performance.md):

- **the `pipeline run` process** (`fewer_collections`, called by the CLI, never by a library caller): it holds
  every agency's scored result until tonight's ranks. What is loaded at start (modules, the configuration) is
  frozen, and the young generation is collected every 50,000 allocations instead of 700: at 10,000 files,
  70.3 → 68.4 s. Cycles are still collected, only in larger batches;
- **a reader worker** (`collect_only_between_chunks` at its start, `collect_chunk` after each chunk): reading a
  chunk allocates hundreds of thousands of short-lived objects, and the automatic passes over the chunk's parsed
  workbooks were about 40 % of a worker's time (read 9.0 → 5.2 ms, validate 2.8 → 2.3 ms per file). The imports
  are frozen, automatic passes are off, and one pass after each chunk (where nearly everything young is already
  gone: cheap) still frees any cycle, so memory stays bounded.
"""

from __future__ import annotations

import gc

RUN_YOUNG_THRESHOLD = 50_000
"""Allocations between two young-generation passes in the `pipeline run` process (the default is 700)."""


def fewer_collections() -> None:
    """For the `pipeline run` process: freeze what is loaded at start, collect the young generation less often."""
    gc.freeze()
    gc.set_threshold(RUN_YOUNG_THRESHOLD, 20, 20)


def collect_only_between_chunks() -> None:
    """For a reader worker, once its libraries are loaded: freeze them, and no automatic passes from now on."""
    gc.freeze()
    gc.disable()


def collect_chunk() -> None:
    """For a reader worker, after each chunk: the one pass that frees whatever cycles the chunk made."""
    gc.collect()
