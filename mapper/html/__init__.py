"""Stage 4, html: one offline HTML page or fragment (folium, the JS runtime, popups, CSP, pinned assets)."""
