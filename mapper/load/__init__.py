"""Stage 1, load: the only code that opens input files (limits, registries, briefings, places, point files)."""
