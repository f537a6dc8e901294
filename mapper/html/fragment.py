"""HTML fragments: a map as a ``<div>`` and its scripts, to paste into a report.

Two fragments of different maps work side by side on one page: element ids
come from content, and the shared assets install once per page.
"""

from mapper import __version__
from mapper.compose.layers import build_layers
from mapper.html import assets
from mapper.html.page import (
    RUNTIME_CSS,
    RUNTIME_JS,
    RUNTIME_NAMESPACE,
    SEA_CSS,
    build_map,
    content_seed,
    safe_json,
    stable_ids,
)

# Pasted twice into one page, a fragment's shared assets must install once:
# a second Leaflet would replace ``L`` under the first map.  The loader runs
# before the runtime, so it makes the runtime's namespace object if missing,
# and keeps its functions and state on it (``loaded``, ``pending``): no other globals.
LOADER_CALLS = ("loadOnce", "require")
LOADER_JS = """(function (M) {
  M.loadOnce = M.loadOnce || function (key, install) {
    var done = M.loaded = M.loaded || {};
    if (!done[key]) { done[key] = true; install(); }
  };
  M.require = M.require || function (scripts, ready) {
    var pending = M.pending = M.pending || {};
    Promise.all(scripts.map(function (script) {
      M.loadOnce(script.src, function () {
        pending[script.src] = new Promise(function (resolve, reject) {
          var e = document.createElement("script");
          e.src = script.src; e.integrity = script.integrity; e.crossOrigin = "anonymous";
          e.onload = resolve; e.onerror = reject;
          document.head.appendChild(e);
        });
      });
      return pending[script.src];
    })).then(ready);
  };
})(window.NAMESPACE = window.NAMESPACE || {});""".replace("NAMESPACE", RUNTIME_NAMESPACE)
FRAGMENT_HEIGHT_PX = 600


def _once(key, body):
    return f"<script>{RUNTIME_NAMESPACE}.loadOnce({safe_json(key)}, function () {{\n{body}\n}});</script>"


def _fragment_assets(offline):
    """The shared assets of a fragment, each behind a load-once guard."""
    parts = [f"<script>{LOADER_JS}</script>"]
    sheets = [("leaflet.css", assets.leaflet_css_inline() if offline else None, assets.LEAFLET_CSS),
              ("mapper.css", RUNTIME_CSS, None),
              ("mapper-sea.css", SEA_CSS, None)]
    for name, css, asset in sheets:
        if css is not None:
            make = f"var e = document.createElement('style'); e.textContent = {safe_json(css)};"
        else:
            make = ("var e = document.createElement('link'); e.rel = 'stylesheet'; "
                    f"e.href = {safe_json(asset.cdn_url)};"
                    f" e.integrity = {safe_json(assets.integrity(asset))}; e.crossOrigin = 'anonymous';")
        parts.append(_once(f"{name}@{__version__}", f"{make} document.head.appendChild(e);"))
    if offline:
        for script in assets.SCRIPTS:
            parts.append(_once(f"{script.path}@{script.sha256[:16]}", assets.asset_text(script)))
    parts.append(f"<script>{RUNTIME_JS}</script>")
    return "\n".join(parts)


def render_fragment(geodata, briefing, layers=None, offline=True, height_px=FRAGMENT_HEIGHT_PX, point_layers=()):
    """An HTML fragment for ``briefing``: a ``<div>`` with its scripts, to paste into a page.

    Two fragments of different maps work side by side: element ids come from
    content, and shared assets install once.  The fragment has no page-wide
    styles and no security policy of its own (the host page owns those).
    """
    layers = layers if layers is not None else build_layers(geodata, briefing)
    # The page head that build_map fills is not used here, so skip inlining assets into it.
    seed = content_seed(briefing, layers, "fragment", offline, point_layers=point_layers)
    fmap = build_map(geodata, briefing, layers, offline=False, point_layers=point_layers, seed=seed)
    stable_ids(fmap, seed)
    root = fmap.get_root()
    root.render()
    map_id = fmap.get_name()
    script = root.script.render()
    if not offline:
        # Wait for the CDN scripts, which load once per page; keep the map reachable as window[id].
        needed = [{"src": a.cdn_url, "integrity": assets.integrity(a)} for a in assets.SCRIPTS]
        script = (f"{RUNTIME_NAMESPACE}.require({safe_json(needed)}, function () {{\n{script}\n"
                  f"window.{map_id} = {map_id};\n}});")
    return (f'<div class="mapper-fragment">\n{_fragment_assets(offline)}\n'
            f"<style>#{map_id} {{ position: relative; width: 100%; height: {int(height_px)}px; }}</style>\n"
            f"{root.html.render().strip()}\n<script>{script}</script>\n</div>\n")
