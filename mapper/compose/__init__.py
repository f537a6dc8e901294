"""Stage 3, compose: a briefing becomes layers of GeoJSON features, and a reach becomes a briefing; no drawing."""
