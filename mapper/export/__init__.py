"""Stage 5, export: GeoJSON, KML, GeoPackage, CSV, print figures, screenshots and the starter briefing."""
