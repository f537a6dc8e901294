/* mapper runtime: draws mapper's GeoJSON layers with plain Leaflet, and adds
   full-screen and geodesic measuring controls (the timeline, the story and the
   permalink are in mapper-timeline.js and mapper-story.js).
   Every string it puts into the page was HTML-escaped by mapper in Python;
   it sets no inline style attributes and no event-handler attributes, so it
   runs under a strict Content-Security-Policy.
   Its one global is the namespace object mapperRuntime (shared with
   mapper-points.js and a fragment's loader); the page's script calls the
   entry points at the end of this file, e.g. mapperRuntime.fit(map, bounds). */
(function (M) {
  "use strict";

  var PANES = [
    ["mapper-basemap", 250],
    ["mapper-areas", 380],
    ["mapper-lines", 420],
    ["mapper-points", 460]
  ];

  // A button for a panel of the runtime, named for screen readers and on hover.
  function panelButton(parent, className, label, text) {
    var b = L.DomUtil.create("button", className, parent);
    b.type = "button";
    b.title = label;
    b.setAttribute("aria-label", label);
    b.textContent = text;
    return b;
  }

  function addPanel(map, position, className, html) {
    var panel = L.control({position: position});
    panel.onAdd = function () {
      var div = L.DomUtil.create("div", className);
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    panel.addTo(map);
    return panel;
  }

  function setup(map, titleHtml) {
    offsetPolylines();
    PANES.forEach(function (pane) {
      map.createPane(pane[0]).style.zIndex = pane[1];
    });
    addPanel(map, "topleft", "mapper-title", titleHtml);
    L.control.zoom({position: "topleft"}).addTo(map);
    addFullscreen(map);
    addMeasure(map);
    // Every place is labelled where its label fits: labels are placed in order of
    // importance, and one that would overlap a label already placed is hidden
    // until the map is zoomed in far enough for it to fit.
    function declutter() { declutterLabels(map); }
    map.on("zoomend overlayadd overlayremove", declutter);
    map.whenReady(declutter);
  }

  // Place kinds in the order their labels are placed.
  var LABEL_PRIORITY = ["capital", "industrial-zone", "sea", "port", "city", "town", "site"];
  var LABEL_GAP_PX = 2;

  function labelRank(el) {
    for (var i = 0; i < LABEL_PRIORITY.length; i++) {
      if (el.classList.contains("mapper-label-" + LABEL_PRIORITY[i])) return i;
    }
    return LABEL_PRIORITY.length;
  }

  function overlaps(a, b) {
    return a.left < b.right + LABEL_GAP_PX && b.left < a.right + LABEL_GAP_PX &&
      a.top < b.bottom + LABEL_GAP_PX && b.top < a.bottom + LABEL_GAP_PX;
  }

  function declutterLabels(map) {
    var found = map.getContainer().querySelectorAll(".mapper-label");
    var items = [];
    for (var i = 0; i < found.length; i++) {
      items.push({el: found[i], rank: labelRank(found[i]), order: i, box: found[i].getBoundingClientRect()});
    }
    items.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    // A label half under a panel (the title, the legend) reads as cut: the panels come first.
    var placed = [];
    var panels = map.getContainer().querySelectorAll(".leaflet-control");
    for (var j = 0; j < panels.length; j++) placed.push(panels[j].getBoundingClientRect());
    items.forEach(function (item) {
      var clash = placed.some(function (box) { return overlaps(item.box, box); });
      item.el.classList.toggle("mapper-label-hidden", clash);
      if (!clash) placed.push(item.box);
    });
  }

  // A map smaller than this starts with its legend folded to its button, so
  // that the legend does not hide the map; a larger one starts with it open.
  var LEGEND_OPEN_MIN_WIDTH = 900;
  var LEGEND_OPEN_MIN_HEIGHT = 700;

  // The legend: a button "Legend" (aria-expanded) that folds and unfolds the
  // rows mapper wrote (escaped in Python).
  function legend(map, rowsHtml) {
    var panel = L.control({position: "bottomright"});
    panel.onAdd = function () {
      var div = L.DomUtil.create("div", "mapper-legend");
      var button = L.DomUtil.create("button", "mapper-legend-toggle", div);
      button.type = "button";
      button.textContent = "Legend";
      var body = L.DomUtil.create("div", "mapper-legend-body", div);
      body.id = map.getContainer().id + "-legend";
      body.innerHTML = rowsHtml;
      button.setAttribute("aria-controls", body.id);
      function show(open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
        button.title = open ? "Hide the legend" : "Show the legend";
        body.hidden = !open;
        div.classList.toggle("mapper-legend-collapsed", !open);
      }
      var size = map.getSize();
      show(size.x >= LEGEND_OPEN_MIN_WIDTH && size.y >= LEGEND_OPEN_MIN_HEIGHT);
      L.DomEvent.on(button, "click", function (event) {
        L.DomEvent.preventDefault(event);
        show(button.getAttribute("aria-expanded") !== "true");
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    panel.addTo(map);
    return panel;
  }

  // Fit without animation, then flag the container so scripts and tests
  // know the first draw is done.
  function fit(map, bounds) {
    // Clear of the title, the legend and the other panels where that can be done (mapper-layout.js).
    M.fitClear(map, bounds);
    markReady(map);
  }

  function view(map, centre, zoom) {
    map.setView(centre, zoom, {animate: false});
    markReady(map);
  }

  // Every layer, point layers too, draws when the map gets its view; the
  // performance mark "mapper-ready" follows on the next frame (benchmarks
  // read it, measured from navigation start).
  function markReady(map) {
    map.whenReady(function () {
      map.getContainer().setAttribute("data-mapper-ready", "true");
      requestAnimationFrame(function () { performance.mark("mapper-ready"); });
    });
  }

  function basemap(map, collection, styles, attribution) {
    L.geoJSON(collection, {
      pane: "mapper-basemap",
      interactive: false,
      attribution: attribution,
      style: function (feature) {
        return styles[feature.properties.layer];
      }
    }).addTo(map);
  }

  // A control button holding an icon drawn with SVG presentation attributes.
  function addButton(map, title, className, svg, onClick) {
    var control = L.control({position: "topleft"});
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar mapper-tool " + className);
      var link = L.DomUtil.create("a", "", bar);
      link.href = "#";
      link.title = title;
      link.setAttribute("role", "button");
      link.setAttribute("aria-label", title);
      link.innerHTML = svg;
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(link, "click", function (event) {
        L.DomEvent.preventDefault(event);
        onClick();
      });
      return bar;
    };
    control.addTo(map);
    return control;
  }

  function addFullscreen(map) {
    // Not offered where the page may not go full screen (e.g. some iframes).
    if (!document.fullscreenEnabled) return;
    var container = map.getContainer();
    var icon = '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="#111827" stroke-width="2">' +
      '<path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5"/></svg>';
    addButton(map, "Full screen", "mapper-fullscreen", icon, function () {
      var request = document.fullscreenElement ? document.exitFullscreen() : container.requestFullscreen();
      request.catch(function () {});  // refused (no user gesture, policy): stay as we are
    });
    document.addEventListener("fullscreenchange", function () {
      container.classList.toggle("mapper-is-fullscreen", document.fullscreenElement === container);
      map.invalidateSize();
    });
  }

  /* Geodesic measuring: distances and the drawn path come from GeographicLib
     (Karney's algorithms on the WGS84 ellipsoid), the same geodesics as
     mapper's Python side, not from Leaflet's spherical distance. */
  var METRES_PER = {km: 1000, mi: 1609.344, nmi: 1852};
  var MEASURE_STEP_M = 10000;  // densify drawn geodesics every 10 km

  function inverse(a, b) {
    var r = geodesic.Geodesic.WGS84.Inverse(a.lat, a.lng, b.lat, b.lng);
    return {distance_m: r.s12, azimuth_deg: r.azi1};
  }

  function geodesicPath(a, b) {
    var G = geodesic.Geodesic;
    var line = G.WGS84.InverseLine(a.lat, a.lng, b.lat, b.lng, G.LATITUDE | G.LONGITUDE | G.DISTANCE_IN);
    var steps = Math.min(500, Math.max(1, Math.ceil(line.s13 / MEASURE_STEP_M)));
    var points = [];
    for (var i = 0; i <= steps; i++) {
      // Unrolled longitudes keep a path across the antimeridian continuous.
      var p = line.Position(line.s13 * i / steps, G.LATITUDE | G.LONGITUDE | G.LONG_UNROLL);
      points.push([p.lat2, p.lon2]);
    }
    return points;
  }

  function formatLength(metres) {
    return ["km", "mi", "nmi"].map(function (unit) {
      return (metres / METRES_PER[unit]).toLocaleString("en-US", {
        minimumFractionDigits: 1, maximumFractionDigits: 1
      }) + " " + unit;
    }).join(" · ");
  }

  function addMeasure(map) {
    var points = [];
    var drawn = L.layerGroup();
    var readout = L.control({position: "bottomleft"});
    readout.onAdd = function () {
      var div = L.DomUtil.create("div", "mapper-measure-readout");
      // Selecting the distance to copy it must not add a point.
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    var measuring = false;

    function show(html) {
      readout.getContainer().innerHTML = html;
    }
    function update() {
      drawn.clearLayers();
      var total = 0;
      var last = null;
      for (var i = 1; i < points.length; i++) {
        last = inverse(points[i - 1], points[i]);
        total += last.distance_m;
        L.polyline(geodesicPath(points[i - 1], points[i]),
                   {pane: "mapper-lines", interactive: false, color: "#111827", weight: 2.5}).addTo(drawn);
      }
      points.forEach(function (p) {
        L.circleMarker(p, {pane: "mapper-points", interactive: false, radius: 4, color: "#111827",
                           weight: 2, fillColor: "#ffffff", fillOpacity: 1}).addTo(drawn);
      });
      if (points.length < 2) {
        show("<b>Measure</b>: click points on the map (or, with the map focused, move it with the arrow keys " +
             "and press Enter for the point under the cross). Esc or the ruler ends.");
        return;
      }
      var azimuth = (last.azimuth_deg + 360) % 360;
      show("<b>Geodesic distance</b>: <span class=\"mapper-measure-total\">" + formatLength(total) +
           "</span><br>Last leg starts at bearing " + azimuth.toFixed(1) + "°");
    }
    function onClick(event) {
      points.push(event.latlng);
      update();
    }
    function onKey(event) {
      if (event.originalEvent.key === "Escape") setMeasuring(false);
    }
    function setMeasuring(on) {
      measuring = on;
      points = [];
      drawn.clearLayers();
      var method = on ? "addTo" : "remove";
      drawn[method](map);
      readout[method](map);
      if (on) {
        update();
        map.closePopup();
      }
      map.doubleClickZoom[on ? "disable" : "enable"]();
      map[on ? "on" : "off"]({click: onClick, keydown: onKey});
      map.getContainer().classList.toggle("mapper-measuring", on);
      bar.classList.toggle("mapper-tool-active", on);
    }
    var icon = '<svg width="18" height="18" viewBox="0 0 18 18" fill="none" stroke="#111827" stroke-width="1.6">' +
      '<path d="M1.5 12.5l11-11 4 4-11 11z"/><path d="M5 9l1.5 1.5M7.5 6.5l1.5 1.5M10 4l1.5 1.5"/></svg>';
    var bar = addButton(map, "Measure geodesic distance", "mapper-measure", icon, function () {
      setMeasuring(!measuring);
    }).getContainer();
  }

  // A lane that runs with others is drawn `laneSlot` line spacings (its weight and
  // `laneGap` px) to the right of its direction, on screen only: its data stay
  // where the route is (mapper/compose/lanes.py).
  function rightNormal(a, b) {
    if (!a || !b) return null;
    var dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy);
    return length ? {x: -dy / length, y: dx / length} : null;
  }

  // For each point of `ring`, the nearest point before (step -1) or after (step 1) it
  // that is somewhere else: repeated points have no direction of their own.
  function distinctNeighbours(ring, step) {
    var found = new Array(ring.length);
    var first = step < 0 ? 0 : ring.length - 1;
    found[first] = null;
    for (var i = first - step; i >= 0 && i < ring.length; i -= step) {
      var near = ring[i + step];
      found[i] = near.equals(ring[i]) ? found[i + step] : near;
    }
    return found;
  }

  function offsetRing(ring, offset) {
    var previous = distinctNeighbours(ring, -1), next = distinctNeighbours(ring, 1);
    return ring.map(function (point, i) {
      var before = rightNormal(previous[i], point), after = rightNormal(point, next[i]);
      var nx = (before ? before.x : 0) + (after ? after.x : 0);
      var ny = (before ? before.y : 0) + (after ? after.y : 0);
      var length = Math.sqrt(nx * nx + ny * ny);
      if (!length) return point;
      nx /= length;
      ny /= length;
      // A mitred corner, no longer than twice the offset at a sharp turn.
      var cosHalfTurn = before ? nx * before.x + ny * before.y : 1;
      var reach = offset / Math.max(cosHalfTurn, 0.5);
      return L.point(point.x + nx * reach, point.y + ny * reach);
    });
  }

  // Teaches Leaflet's polylines the `laneSlot` option (once; Leaflet is loaded by then).
  function offsetPolylines() {
    if (L.Polyline.prototype.mapperOffset) return;
    var projectPolyline = L.Polyline.prototype._project;
    L.Polyline.include({
      mapperOffset: true,
      _project: function () {
        projectPolyline.call(this);
        var options = this.options;
        if (!options.laneSlot || this instanceof L.Polygon) return;
        var offset = options.laneSlot * (options.weight + (options.laneGap || 0));
        var bounds = new L.Bounds();
        this._rings = this._rings.map(function (ring) {
          var moved = offsetRing(ring, offset);
          moved.forEach(function (point) { bounds.extend(point); });
          return moved;
        });
        if (bounds.isValid()) {
          this._rawPxBounds = bounds;
          this._updateBounds();
        }
      }
    });
  }

  function paneFor(feature) {
    var type = feature.geometry.type;
    if (type === "Point") return "mapper-points";
    if (type === "Polygon" || type === "MultiPolygon") return "mapper-areas";
    return "mapper-lines";
  }

  function arrowMarker(latlng, props) {
    var div = document.createElement("div");
    div.textContent = "\u27A4";
    div.style.color = props.style.color;
    div.style.transform = "rotate(" + (Number(props.rotation_deg) - 90) + "deg)";
    return L.marker(latlng, {
      pane: "mapper-points",
      interactive: false,
      keyboard: false,
      icon: L.divIcon({className: "mapper-arrow", iconSize: [20, 20], iconAnchor: [10, 10], html: div})
    });
  }

  // `key` names the layer (its key in mapper's LAYER_TITLES), for a story's steps and the permalink.
  function addFeatures(group, collection, key) {
    group.mapperLayer = key;
    L.geoJSON(collection, {
      style: function (feature) {
        return L.extend({pane: paneFor(feature)}, feature.properties.style);
      },
      pointToLayer: function (feature, latlng) {
        var props = feature.properties;
        if (props.marker === "arrow") return arrowMarker(latlng, props);
        return L.circleMarker(latlng, L.extend({pane: "mapper-points"}, props.style));
      },
      onEachFeature: function (feature, layer) {
        var props = feature.properties;
        if (props.popup) layer.bindPopup(props.popup, {maxWidth: 400, maxHeight: 440});
        if (props.label) {
          layer.bindTooltip(props.label, {
            permanent: true, direction: "right", offset: [7, 0], className: props.label_class
          });
        } else if (props.tooltip) {
          layer.bindTooltip(props.tooltip, {sticky: true, className: "mapper-hover"});
        }
      }
    }).addTo(group);
  }

  // The entry points: mapper's Python calls the first six (mapper/html/page.py, RUNTIME_CALLS).
  M.setup = setup;
  M.basemap = basemap;
  M.addFeatures = addFeatures;
  M.legend = legend;
  M.fit = fit;
  M.view = view;
  M.inverse = inverse;
  M.geodesicPath = geodesicPath;
  M.panelButton = panelButton;
})(window.mapperRuntime = window.mapperRuntime || {});
