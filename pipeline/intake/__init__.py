"""Stage 1, the inbox: which files to take, leave or reject, and moving them safely."""
