"""Stage 2, geo: computation on WGS84 (geodesy, rings, coverage, water routing, claim checks); opens no file itself."""
