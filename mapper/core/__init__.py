"""Plain values under every stage: points, units, vocabularies, styles, GeoJSON helpers, atomic output, text safety."""
