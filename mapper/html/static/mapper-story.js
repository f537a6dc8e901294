/* mapper runtime: story mode and permalinks.
   story(map, steps, options): a panel that steps through a briefing's
   [[steps]], each with its title, caption and citations (HTML escaped by
   mapper), and what the map shows: a view (`bounds` [[s, w], [n, e]], or a
   `centre` [lat, lon] and `zoom`; none: the map's first view), the `layers`
   shown (layer keys, null: all), a `date` on the timeline (null: every date)
   and the feature ids to `highlight` (others are dimmed). Step 0 is the
   overview: the map as it opened. Previous and next, and the keys a
   presentation clicker sends: → and PageDown, ← and PageUp, Home and End
   (anywhere on a page of its own, or with the focus in the map for a fragment;
   never in a form field or the timeline, whose keys are its own, nor while
   measuring, when the arrows move the map under the cross). Moving
   between steps flies the map there, unless the reader asks for reduced motion.
   permalink(map): the URL's hash holds the view, the timeline's date, the
   story's step and the layers shown (when not all are), e.g.
   #view=6/51.2/45.0&date=2024-06-21&step=3&layers=places,ranges;
   opening the file with a hash restores them, and the hash follows the map
   (history.replaceState: no reloads, no history entries). */
(function (M) {
  "use strict";

  var DIM = 0.3;        // opacity of what a step does not highlight
  var LIT_WEIGHT = 2.5; // pixels added to a highlighted line
  var FLY_S = 1.2;
  var PAD_PX = 30;
  var STEP_ZOOM_SNAP = 0.25;  // a step's bounds fill the map between its panels, in quarter zoom levels

  // The map's feature groups by layer key (mapperRuntime.addFeatures marks them), found once
  // while every group is on the map.
  function layerGroups(map) {
    if (!map.mapperLayerGroups) {
      var groups = {};
      map.eachLayer(function (layer) {
        if (layer.mapperLayer) groups[layer.mapperLayer] = layer;
      });
      map.mapperLayerGroups = groups;
    }
    return map.mapperLayerGroups;
  }

  function showLayers(map, keys) {
    var groups = layerGroups(map);
    Object.keys(groups).forEach(function (key) {
      var want = keys === null || keys.indexOf(key) >= 0;
      if (want !== map.hasLayer(groups[key])) map[want ? "addLayer" : "removeLayer"](groups[key]);
    });
  }

  // Every drawn feature, the L.geoJSON holding it, and the ids it answers to (its `ids` mark).
  function features(map) {
    var list = [];
    var groups = layerGroups(map);
    Object.keys(groups).forEach(function (key) {
      groups[key].eachLayer(function (collection) {
        if (!collection.eachLayer) return;
        collection.eachLayer(function (layer) {
          if (layer.feature) list.push({layer: layer, collection: collection, ids: layer.feature.properties.ids || []});
        });
      });
    });
    return list;
  }

  function highlight(items, ids) {
    var wanted = {};
    ids.forEach(function (id) { wanted[id] = true; });
    var any = ids.length > 0;
    items.forEach(function (item) {
      var layer = item.layer;
      var lit = any && item.ids.some(function (id) { return wanted[id]; });
      var dim = any && !lit;
      if (layer.setStyle) {
        item.collection.resetStyle(layer);
        var base = layer.options;
        if (lit) layer.setStyle({weight: base.weight + LIT_WEIGHT, opacity: 1});
        if (dim) layer.setStyle({opacity: base.opacity * DIM, fillOpacity: base.fillOpacity * DIM});
        if (lit && layer._map) layer.bringToFront();
        if (layer.options.laneSlot && layer._map) layer.redraw();  // its place beside the others follows its width
      } else if (layer.setOpacity) {
        layer.setOpacity(dim ? DIM : 1);  // a flow's arrow
      }
      var tooltip = layer.getTooltip && layer.getTooltip();
      var element = tooltip && tooltip.getElement();
      if (element) {
        element.classList.toggle("mapper-story-lit", lit);
        element.classList.toggle("mapper-story-dim", dim);
      }
    });
  }

  // Padding for a fitted view: the panels in the map's corners cover it, so the view
  // is fitted beside or between them.  Each corner's panels (the title, the layer
  // control, the story and the timeline, the legend) are fitted beside if they are
  // narrow for the map, or above or below if they are low.
  var CORNERS = [
    ["left", "top", ".leaflet-top.leaflet-left > .mapper-title"],
    ["right", "top", ".leaflet-top.leaflet-right > .leaflet-control"],
    ["left", "bottom", ".leaflet-bottom.leaflet-left > .leaflet-control"],
    ["right", "bottom", ".leaflet-bottom.leaflet-right > .leaflet-control:not(.leaflet-control-attribution)"]
  ];

  function padding(map) {
    var size = map.getSize();
    var pad = {left: 0, right: 0, top: 0, bottom: 0};
    CORNERS.forEach(function (corner) {
      var width = 0, height = 0;
      var found = map.getContainer().querySelectorAll(corner[2]);
      for (var i = 0; i < found.length; i++) {
        var box = found[i].getBoundingClientRect();
        width = Math.max(width, box.width);
        height += box.height;
      }
      if (!width || !height) return;
      if (width / size.x < height / size.y) pad[corner[0]] = Math.max(pad[corner[0]], width);
      else pad[corner[1]] = Math.max(pad[corner[1]], height);
    });
    // Never squeeze the map to a strip.
    var across = Math.min(1, size.x * 0.6 / Math.max(1, pad.left + pad.right));
    var down = Math.min(1, size.y * 0.6 / Math.max(1, pad.top + pad.bottom));
    return {
      paddingTopLeft: [PAD_PX + pad.left * across, PAD_PX + pad.top * down],
      paddingBottomRight: [PAD_PX + pad.right * across, PAD_PX + pad.bottom * down]
    };
  }

  // ``move()`` with the map's zoom snapped to ``snap`` (0: not at all); Leaflet reads it as a view is set.
  function snapped(map, snap, move) {
    var before = map.options.zoomSnap;
    map.options.zoomSnap = snap;
    try {
      move();
    } finally {
      map.options.zoomSnap = before;
    }
  }

  function moveTo(map, target, animate) {
    var pad = padding(map);
    if (target.bounds) {
      var options = L.extend({animate: animate, duration: FLY_S}, pad);
      snapped(map, STEP_ZOOM_SNAP, function () {
        if (animate) map.flyToBounds(target.bounds, options);
        else map.fitBounds(target.bounds, options);
      });
      return;
    }
    // A step's centre goes to the middle of the part of the map the panels leave free;
    // the first view is restored as it was.
    var zoom = target.zoom;
    var shift = target.exact ? L.point(0, 0) : L.point((pad.paddingTopLeft[0] - pad.paddingBottomRight[0]) / 2,
                                                       (pad.paddingTopLeft[1] - pad.paddingBottomRight[1]) / 2);
    var centre = map.unproject(map.project(target.centre, zoom).subtract(shift), zoom);
    if (animate) map.flyTo(centre, zoom, {duration: FLY_S});
    else map.setView(centre, zoom, {animate: false});
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  // A map lower than this keeps the left for its tools and the timeline, and
  // shows the story at the bottom right, where the legend starts folded.
  var STORY_LEFT_MIN_HEIGHT = 700;
  var CAPTION_GAP_PX = 10;  // between the story and a panel above it
  var CAPTION_MIN_PX = 48;  // a caption keeps at least this much, scrolling

  function story(map, steps, options) {
    var container = map.getContainer();
    var items = features(map);
    var home = {centre: map.getCenter(), zoom: map.getZoom(), exact: true};
    var index = -1;  // -1: the overview
    var progress, title, caption, prev, next;

    function corner() {
      return map.getSize().y < STORY_LEFT_MIN_HEIGHT ? "bottomright" : "bottomleft";
    }
    var panel = L.control({position: corner()});
    panel.onAdd = function () {
      var div = L.DomUtil.create("section", "mapper-story");
      div.id = container.id + "-story";
      var head = L.DomUtil.create("div", "mapper-story-head", div);
      progress = L.DomUtil.create("span", "mapper-story-progress", head);
      prev = M.panelButton(head, "mapper-story-button mapper-story-prev", "Back to the previous step", "\u2039 Back");
      next = M.panelButton(head, "mapper-story-button mapper-story-next", "Next step", "Next \u203A");
      var body = L.DomUtil.create("div", "mapper-story-body", div);
      body.setAttribute("aria-live", "polite");
      title = L.DomUtil.create("h2", "mapper-story-title", body);
      title.id = div.id + "-title";
      div.setAttribute("aria-labelledby", title.id);
      caption = L.DomUtil.create("div", "mapper-story-caption", body);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      L.DomEvent.on(prev, "click", function () { go(index - 1, true); });
      L.DomEvent.on(next, "click", function () { go(index + 1, true); });
      return div;
    };
    panel.addTo(map);
    container.classList.add("mapper-has-story");
    // One more panel over the map: the opening view keeps the data clear of it too (mapper-layout.js).
    if (M.refit) {
      M.refit(map);
      home.centre = map.getCenter();
      home.zoom = map.getZoom();
    }
    map.on("resize", function () {  // full screen, or a window resized
      if (panel.getPosition() !== corner()) panel.setPosition(corner());
      fitCaption();
    });

    // On a short window the caption scrolls rather than run the panel into the
    // tools above it or off the map.
    function fitCaption() {
      caption.style.maxHeight = "";
      var div = panel.getContainer(), box = div.getBoundingClientRect();
      var short = container.getBoundingClientRect().top + CAPTION_GAP_PX - box.top;
      container.querySelectorAll(".leaflet-control").forEach(function (other) {
        var r = other.getBoundingClientRect();
        if (other === div || other.offsetParent === null || r.top >= box.top) return;
        if (r.left < box.right && box.left < r.right) short = Math.max(short, r.bottom + CAPTION_GAP_PX - box.top);
      });
      if (short > 0) caption.style.maxHeight = Math.max(CAPTION_MIN_PX, caption.clientHeight - short) + "px";
    }

    function go(i, animate, stay) {
      index = Math.max(-1, Math.min(steps.length - 1, i));
      var step = index >= 0 ? steps[index] : null;
      if (step) {
        progress.textContent = "Step " + (index + 1) + " of " + steps.length;
        title.innerHTML = step.title;      // escaped by mapper
        caption.innerHTML = step.caption;  // escaped by mapper
      } else {
        progress.textContent = "Story";
        title.textContent = steps.length + " steps";
        caption.innerHTML = "";
        L.DomUtil.create("p", "mapper-story-text", caption).textContent =
          "Next, or the \u2192 key, steps through the story; \u2190 goes back.";
      }
      prev.disabled = index < 0;
      next.disabled = index >= steps.length - 1;
      container.classList.toggle("mapper-story-active", index >= 0);
      map.closePopup();
      showLayers(map, step ? step.layers : null);
      if (map.mapperTimeline) map.mapperTimeline.setDate(step ? step.date : null);
      highlight(items, step ? step.highlight : []);
      fitCaption();
      if (!stay) moveTo(map, step && (step.bounds || step.centre) ? step : home, animate && !reducedMotion());
      container.setAttribute("data-mapper-step", String(index + 1));
      map.fire("mapperstep", {step: index + 1});
    }

    function onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var target = event.target;
      if (target && target.closest && target.closest("input, select, textarea, [contenteditable], .mapper-timeline")) {
        return;
      }
      // Measuring from the keyboard moves the map under its cross with the arrows (mapper-access.js).
      if (container.classList.contains("mapper-measuring")) return;
      var moves = {ArrowRight: index + 1, PageDown: index + 1, ArrowLeft: index - 1, PageUp: index - 1,
                   Home: 0, End: steps.length - 1};
      if (!Object.prototype.hasOwnProperty.call(moves, event.key)) return;
      // Before Leaflet's keyboard panning, which would move the map as well.
      event.preventDefault();
      event.stopPropagation();
      go(moves[event.key], true);
    }
    (options && options.keys === "document" ? document : container).addEventListener("keydown", onKey, true);

    go(-1, false, true);
    map.mapperStory = {
      // 0 for the overview, else 1 to the number of steps.
      step: function () { return index + 1; },
      steps: steps.length,
      go: function (step, animate) { go(step - 1, animate); }
    };
    return panel;
  }

  var DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

  function permalink(map) {
    var groups = layerGroups(map);
    var keys = Object.keys(groups);
    var written = null;
    var timer = null;

    function hash() {
      var centre = map.getCenter();
      var zoom = Math.round(map.getZoom() * 100) / 100;
      var parts = ["view=" + zoom + "/" + centre.lat.toFixed(4) + "/" + centre.lng.toFixed(4)];
      var date = map.mapperTimeline ? map.mapperTimeline.date() : null;
      if (date !== null) parts.push("date=" + date);
      var step = map.mapperStory ? map.mapperStory.step() : 0;
      if (step > 0) parts.push("step=" + step);
      var shown = keys.filter(function (key) { return map.hasLayer(groups[key]); });
      if (shown.length < keys.length) parts.push("layers=" + shown.join(","));
      return "#" + parts.join("&");
    }

    function write() {
      timer = null;
      written = hash();
      if (written === window.location.hash) return;
      try {
        window.history.replaceState(window.history.state, "", written);
      } catch {  // refused, where a browser keeps file: URLs from the history API
        window.location.replace(written);  // a hash alone: no reload
      }
    }

    function soon() {
      if (timer === null) timer = window.setTimeout(write, 100);
    }

    function restore(text) {
      var params = new window.URLSearchParams(text.replace(/^#/, ""));
      var step = Number(params.get("step"));
      if (map.mapperStory && params.has("step") && Math.floor(step) === step && step >= 0 &&
          step <= map.mapperStory.steps) {
        map.mapperStory.go(step, false);
      }
      if (params.has("layers")) {
        var wanted = params.get("layers").split(",");
        showLayers(map, keys.filter(function (key) { return wanted.indexOf(key) >= 0; }));
      }
      var date = params.get("date");
      if (map.mapperTimeline && date !== null && (date === "all" || DATE.test(date))) {
        map.mapperTimeline.setDate(date === "all" ? null : date);
      }
      var view = (params.get("view") || "").split("/").map(Number);
      if (view.length === 3 && view.every(isFinite) && view[0] >= map.getMinZoom() && view[0] <= map.getMaxZoom() &&
          Math.abs(view[1]) <= 90 && Math.abs(view[2]) <= 540) {
        snapped(map, 0, function () { map.setView([view[1], view[2]], view[0], {animate: false}); });
      }
    }

    if (window.location.hash.length > 1) restore(window.location.hash);
    map.on("moveend overlayadd overlayremove mappertimeline mapperstep", soon);
    window.addEventListener("hashchange", function () {
      if (window.location.hash !== written) restore(window.location.hash);
    });
  }

  M.story = story;
  M.permalink = permalink;
})(window.mapperRuntime = window.mapperRuntime || {});
