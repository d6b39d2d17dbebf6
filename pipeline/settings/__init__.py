"""`pipeline.toml`: the typed settings with every default (schema), loading and checking the file (load), and the
commented file rendered from the defaults (render)."""
