/* mapper runtime: the view a map opens on keeps its data clear of the panels.

   A plain fit centres the data in the map, and the title box, the legend and
   the other panels then lie over part of it. Here the data is placed where
   no panel covers it: at the largest zoom (in steps of a quarter) at which
   some position keeps every feature's box clear of the panels, the position
   nearest the centre. A feature's box is a marker with its stroke, a line's
   or an area's bounding box, or an important place's label (the labels of
   minor places give way to panels on their own, mapper.js: declutterLabels).

   It tries, in order: clear of every panel, losing at most half a zoom
   level; clear of the title and the legend, losing at most one; and
   otherwise the plain fit. */
(function (M) {
  "use strict";

  var EDGE_PX = 10;         // data keeps this far inside the map's edges
  var GAP_PX = 6;           // and this far from a panel
  var ZOOM_STEP = 0.25;
  var POSITIONS = 48;       // positions tried along each axis, at most
  var PLAIN_PADDING_PX = 30;
  var REQUIRED = ".mapper-title, .mapper-legend";
  var LABEL_OFFSET_PX = 13;  // a label's left edge right of its place: the tooltip's offset (7) and margin (6)

  function rect(x0, y0, x1, y1) { return {x0: x0, y0: y0, x1: x1, y1: y1}; }

  // The panels over the map, in container pixels; `required` for the title and the legend.
  function panels(map) {
    var container = map.getContainer();
    var origin = container.getBoundingClientRect();
    var found = container.querySelectorAll(".leaflet-control");
    var out = [];
    for (var i = 0; i < found.length; i++) {
      var r = found[i].getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      var box = rect(r.left - origin.left - GAP_PX, r.top - origin.top - GAP_PX,
                     r.right - origin.left + GAP_PX, r.bottom - origin.top + GAP_PX);
      box.required = found[i].matches(REQUIRED);
      out.push(box);
    }
    return out;
  }

  // The size of each important place's label, measured once in a hidden copy.
  function labelSize(map, props) {
    var probe = L.DomUtil.create("div", "leaflet-tooltip leaflet-tooltip-right " + props.label_class,
                                 map.getContainer());
    probe.classList.add("mapper-layout-probe");
    probe.textContent = props.find ? props.find.name : "";
    var r = probe.getBoundingClientRect();
    L.DomUtil.remove(probe);
    return {x: r.width, y: r.height};
  }

  // The properties of a feature mapper drew (mapper.js: addFeatures), not the basemap's.
  function drawnProps(layer) {
    var props = layer.feature && layer.feature.properties;
    return props && props.style ? props : null;
  }

  /* What is drawn, as functions of the zoom that give boxes in world pixels:
     markers, lines and areas (from their coordinates), and labels. */
  function shapes(map) {
    var out = [];
    function walk(layer) {
      var props = drawnProps(layer);
      if (props) {
        var stroke = (layer.options && layer.options.weight || 0) / 2;
        if (layer.getLatLng) {
          var latlng = layer.getLatLng();
          var r = (layer.options.radius !== undefined ? layer.options.radius : 10) + stroke;
          out.push(function (z) {
            var p = map.project(latlng, z);
            return rect(p.x - r, p.y - r, p.x + r, p.y + r);
          });
          if (props.label && props.label_class && props.label_class.indexOf("mapper-label-minor") < 0) {
            var size = labelSize(map, props);
            out.push(function (z) {
              var p = map.project(latlng, z);
              return rect(p.x + LABEL_OFFSET_PX, p.y - size.y / 2, p.x + LABEL_OFFSET_PX + size.x, p.y + size.y / 2);
            });
          }
        } else if (layer.getBounds) {
          var b = layer.getBounds();
          if (!b.isValid()) return;
          out.push(function (z) {
            var sw = map.project(b.getSouthWest(), z), ne = map.project(b.getNorthEast(), z);
            return rect(sw.x - stroke, ne.y - stroke, ne.x + stroke, sw.y + stroke);
          });
        }
      } else if (layer instanceof L.LayerGroup) {
        layer.eachLayer(walk);
      }
    }
    map.eachLayer(walk);
    return out;
  }

  function overlaps(a, b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  }

  // Evenly spaced offsets from lo to hi (both kept), at most POSITIONS of them.
  function offsets(lo, hi) {
    var n = Math.max(1, Math.min(POSITIONS, Math.ceil((hi - lo) / 4)));
    var out = [];
    for (var i = 0; i <= n; i++) out.push(lo + (hi - lo) * i / n);
    return out;
  }

  /* The translation (world pixels to container pixels) at zoom z that keeps
     every box clear of `obstacles` and inside the map, nearest the centre; null if none. */
  function place(boxes, obstacles, size) {
    var u = rect(Infinity, Infinity, -Infinity, -Infinity);
    boxes.forEach(function (b) {
      u.x0 = Math.min(u.x0, b.x0); u.y0 = Math.min(u.y0, b.y0);
      u.x1 = Math.max(u.x1, b.x1); u.y1 = Math.max(u.y1, b.y1);
    });
    var loX = EDGE_PX - u.x0, hiX = size.x - EDGE_PX - u.x1;
    var loY = EDGE_PX - u.y0, hiY = size.y - EDGE_PX - u.y1;
    if (loX > hiX || loY > hiY) return null;
    var cx = (loX + hiX) / 2, cy = (loY + hiY) / 2;
    var tries = [];
    offsets(loX, hiX).forEach(function (tx) {
      offsets(loY, hiY).forEach(function (ty) {
        tries.push({x: tx, y: ty, d: (tx - cx) * (tx - cx) + (ty - cy) * (ty - cy)});
      });
    });
    tries.sort(function (a, b) { return a.d - b.d; });
    // Only the boxes that some position could put under a panel need checking.
    var pairs = [];
    obstacles.forEach(function (o) {
      boxes.forEach(function (b) {
        if (b.x1 + hiX > o.x0 && b.x0 + loX < o.x1 && b.y1 + hiY > o.y0 && b.y0 + loY < o.y1) pairs.push([b, o]);
      });
    });
    for (var i = 0; i < tries.length; i++) {
      var t = tries[i];
      var clear = pairs.every(function (pair) {
        var b = pair[0];
        return !overlaps(rect(b.x0 + t.x, b.y0 + t.y, b.x1 + t.x, b.y1 + t.y), pair[1]);
      });
      if (clear) return t;
    }
    return null;
  }

  /* The view {centre, zoom} that shows `bounds` with what is drawn clear of
     the panels, or null when the plain fit is as good as can be done. */
  function clearView(map, bounds) {
    bounds = L.latLngBounds(bounds);
    var size = map.getSize();
    if (!bounds.isValid() || size.x < 1 || size.y < 1) return null;
    var drawn = shapes(map);
    // Drawn things outside the shapes (a large point layer) fill the whole bounds.
    var all = L.latLngBounds([]);
    var walkBounds = function (layer) {
      if (drawnProps(layer) && layer.getLatLng) all.extend(layer.getLatLng());
      else if (drawnProps(layer) && layer.getBounds) all.extend(layer.getBounds());
      else if (layer instanceof L.LayerGroup) layer.eachLayer(walkBounds);
    };
    map.eachLayer(walkBounds);
    if (!all.isValid() || !all.pad(1e-6).contains(bounds)) {
      drawn.push(function (z) {
        var sw = map.project(bounds.getSouthWest(), z), ne = map.project(bounds.getNorthEast(), z);
        return rect(sw.x, ne.y, ne.x, sw.y);
      });
    }
    var top = map.getBoundsZoom(bounds, false, L.point(2 * EDGE_PX, 2 * EDGE_PX));
    var obstacles = panels(map);
    var required = obstacles.filter(function (o) { return o.required; });
    var passes = [[obstacles, 1], [required, 1.5]];
    for (var p = 0; p < passes.length; p++) {
      for (var z = top; z >= Math.max(map.getMinZoom(), top - passes[p][1]) - 1e-9; z -= ZOOM_STEP) {
        var boxes = drawn.map(function (f) { return f(z); });
        var t = place(boxes, passes[p][0], size);
        if (t) {
          var centre = map.unproject(L.point(size.x / 2 - t.x, size.y / 2 - t.y), z);
          return {centre: centre, zoom: z};
        }
      }
    }
    return null;
  }

  // Open on `bounds` clear of the panels, else fit them plainly; remembered for refit and print.
  function fitClear(map, bounds) {
    map.mapperFitBounds = bounds;
    var view = clearView(map, bounds);
    if (view) map.setView(view.centre, view.zoom, {animate: false});
    else map.fitBounds(bounds, {padding: [PLAIN_PADDING_PX, PLAIN_PADDING_PX], animate: false});
    map.mapperOpenView = {centre: map.getCenter(), zoom: map.getZoom()};
  }

  function atOpenView(map) {
    var open = map.mapperOpenView;
    return !!open && open.zoom === map.getZoom() && open.centre.equals(map.getCenter());
  }

  /* On paper (mapper-print.css) the map has another size and no panels over it:
     while the page is in print media the map fits what it showed (its data,
     centred, if it was still at its opening view), and then goes back. The
     canvases redraw at once (Leaflet redraws on the moveend of a view change),
     before the browser takes the page. */
  function printLayout(map) {
    var query = window.matchMedia ? window.matchMedia("print") : null;
    if (!query) return;
    var saved = null;
    function enter() {
      if (saved) return;
      var whole = atOpenView(map) && map.mapperFitBounds;
      saved = {centre: map.getCenter(), zoom: map.getZoom(), bounds: map.getBounds()};
      map.invalidateSize({pan: false});
      var view = whole ? clearView(map, whole) : null;  // with room for the labels; no panels on paper
      if (view) map.setView(view.centre, view.zoom, {animate: false});
      else map.fitBounds(whole || saved.bounds, {padding: whole ? [EDGE_PX, EDGE_PX] : [0, 0], animate: false});
      map.getContainer().setAttribute("data-mapper-print", "true");
    }
    function leave() {
      if (!saved) return;
      var back = saved;
      saved = null;
      map.invalidateSize({pan: false});
      map.setView(back.centre, back.zoom, {animate: false});
      map.getContainer().removeAttribute("data-mapper-print");
    }
    query.addEventListener("change", function (event) {
      if (event.matches) enter();
      else leave();
    });
    window.addEventListener("afterprint", leave);
  }

  // The opening view again, after the panels changed (a story's panel, the legend unfolded for a
  // picture); not once the reader or a permalink has moved the map.
  function refit(map) {
    if (map.mapperFitBounds && atOpenView(map)) fitClear(map, map.mapperFitBounds);
  }

  M.clearView = clearView;
  M.fitClear = fitClear;
  M.refit = refit;
  M.printLayout = printLayout;
})(window.mapperRuntime = window.mapperRuntime || {});
