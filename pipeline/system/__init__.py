"""Operating-system helpers at the bottom of the shell: atomic file writes, the run lock, jobs in a forked child, the
clock, and when the garbage collector runs."""
