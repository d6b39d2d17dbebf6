"""The xlsx package format itself, below any reading of the template: zip caps and sniffing what a file really is."""
