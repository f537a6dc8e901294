/* mapper point layers: up to millions of points on one canvas.

   mapper packs a layer into typed arrays (mapper/html/pointpack.py) held in
   data blocks of type application/x-mapper-points. This file
   decodes them once, projects every point to Web Mercator once, and on
   each view change draws either dots (few points in view; each can be
   clicked) or density cells (many: a cell's colour mixes its points'
   category colours, its strength grows with the count). A panel filters
   by category and by date window. A date given as a year or a month
   ("2024", "2024-06") is shown so and names that whole span: the window
   shows it while they overlap, as the timeline shows a "2024" event from
   its first step on or after 2024-01-01. Text from data reaches the page
   only through textContent.
   It adds to mapper.js's namespace object, mapperRuntime. */
(function (M) {
  "use strict";

  // Tunables on the namespace, read at each draw (tests lower the dot limit).
  M.pointsDotLimit = 25000;  // at most this many in view: dots, else cells
  M.pointsCellPx = 4;        // density cell, CSS pixels
  var DOT_RADIUS_PX = 3.5;
  var PICK_PX = 6;           // a click this close picks a dot
  var MS_PER_DAY = 86400000;
  var MAX_LAT = 85.0511287798;  // Web Mercator's limit, as Leaflet's
  var MONTH = 1, YEAR = 2;      // precision codes of dates (mapper/load/pointfiles.py; 0 is a day)

  function blockText(id) {
    var element = document.getElementById(id);
    if (!element) throw new Error("mapper: data block " + id + " is missing");
    return element.textContent;
  }

  function blockBytes(id) {
    var text = blockText(id);
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function blockArray(id, Type) {
    var bytes = blockBytes(id);
    return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
  }

  function dayText(day) {
    return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  }

  // A point's date as it was given: "2024", "2024-06" or "2024-06-21".
  function dateText(day, precision) {
    var text = dayText(day);
    return precision === YEAR ? text.slice(0, 4) : precision === MONTH ? text.slice(0, 7) : text;
  }

  // The last day of the month or year that `day` is in (days since 1970-01-01, UTC).
  function spanEnd(day, precision) {
    var date = new Date(day * MS_PER_DAY);
    // setUTCFullYear, not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
    if (precision === YEAR) date.setUTCFullYear(date.getUTCFullYear() + 1, 0, 1);
    else date.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    return Math.round(date.getTime() / MS_PER_DAY) - 1;
  }

  function rgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  // The layer's methods; the class is made at first use, because an online
  // fragment runs this file before Leaflet has loaded.
  var pointCanvasMethods = {
    initialize: function (meta) {
      this.meta = meta;
      var n = meta.count;
      var coords = blockArray(meta.coords, Int32Array);
      // Web Mercator at zoom 0, in [0, 1]: a view change is then one multiply and add per point.
      this.wx = new Float64Array(n);
      this.wy = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, coords[2 * i + 1] / 1e6));
        var sin = Math.sin(lat * Math.PI / 180);
        this.wx[i] = (coords[2 * i] / 1e6 + 180) / 360;
        this.wy[i] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
      }
      this.coords = coords;
      var days = meta.days;
      this.days = days ? blockArray(days.block, days.type === "u16" ? Uint16Array : Int32Array) : null;
      // Only where some date is a year or a month: each point's precision, and its span's last day as an
      // offset like the days (undated points keep the undated mark). Otherwise a point's day is its span.
      this.precision = days && days.precision ? blockArray(days.precision, Uint8Array) : null;
      this.ends = null;
      if (this.precision) {
        this.ends = new Int32Array(n);
        for (var k = 0; k < n; k++) {
          var p = this.precision[k];
          this.ends[k] = p ? spanEnd(days.first_day + this.days[k], p) - days.first_day : this.days[k];
        }
      }
      this.cats = meta.categories ? blockArray(meta.cats, Uint8Array) : null;
      this.labels = meta.labels ? JSON.parse(blockText(meta.labels)) : null;
      var categories = meta.categories || [{name: "", color: "#D55E00", slot: 0}];
      this.shown = categories.map(function () { return true; });
      this.colors = categories.map(function (c) { return c.color; });
      this.slots = categories.map(function (c) { return c.slot; });
      var slotRgb = this.slotRgb = [];  // colour of each slot; palette slots, then "other"
      categories.forEach(function (c) { slotRgb[c.slot] = rgb(c.color); });
      // The date window, as offsets like the data: everything at first.
      this.fromDay = 0;
      this.toDay = days ? days.last_day - days.first_day : 0;
      this.showUndated = true;
      this.visible = new Int32Array(n);  // indexes of the points in view at the last draw
      this.px = new Float32Array(n);
      this.py = new Float32Array(n);
      this.visibleCount = 0;
      this.mode = "dots";
      this.drawMs = [];  // recent draw times, read by the benchmark
    },

    onAdd: function (map) {
      if (!map.getPane("mapper-bigpoints")) map.createPane("mapper-bigpoints").style.zIndex = 440;
      this._canvas = L.DomUtil.create("canvas", "mapper-point-canvas leaflet-zoom-animated");
      map.getPane("mapper-bigpoints").appendChild(this._canvas);
      this._popup = L.popup({maxWidth: 360, maxHeight: 400});
      this._otherPopup = false;
      this.redraw();
    },

    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      if (map.hasLayer(this._popup)) map.closePopup(this._popup);
    },

    getEvents: function () {
      var events = {moveend: this.redraw, resize: this.redraw, click: this._onClick, preclick: this._onPreclick,
                    popupopen: this._onPopupOpen};
      if (this._map && this._map.options.zoomAnimation && L.Browser.any3d) events.zoomanim = this._onZoomAnim;
      return events;
    },

    // Keep the last drawing in place, scaled, while Leaflet animates a zoom.
    _onZoomAnim: function (e) {
      var map = this._map;
      var scale = map.getZoomScale(e.zoom, map.getZoom());
      var offset = map._latLngToNewLayerPoint(map.containerPointToLatLng([0, 0]), e.zoom, e.center);
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },

    isShown: function (i) {
      if (this.cats && !this.shown[this.cats[i]]) return false;
      if (this.days) {
        var day = this.days[i];
        if (day === this.meta.days.undated) return this.showUndated;
        // A span is shown while it overlaps the window (a day is a span of one).
        return day <= this.toDay && (this.ends ? this.ends[i] : day) >= this.fromDay;
      }
      return true;
    },

    shownCount: function () {
      var count = 0;
      for (var i = 0; i < this.meta.count; i++) if (this.isShown(i)) count++;
      return count;
    },

    redraw: function () {
      if (!this._map) return;
      var started = performance.now();
      var map = this._map, canvas = this._canvas;
      var size = map.getSize(), ratio = window.devicePixelRatio || 1;
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(canvas, topLeft);
      var width = Math.round(size.x * ratio), height = Math.round(size.y * ratio);
      var context = canvas.getContext("2d");
      if (canvas.width !== width || canvas.height !== height) {  // resizing reallocates: only when needed
        canvas.width = width;
        canvas.height = height;
        canvas.style.width = size.x + "px";
        canvas.style.height = size.y + "px";
      } else {
        context.setTransform(1, 0, 0, 1, 0, 0);
        context.clearRect(0, 0, width, height);
      }
      var scale = map.options.crs.scale(map.getZoom());
      var origin = map.getPixelOrigin();
      var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
      var margin = DOT_RADIUS_PX + 1;
      var n = this.meta.count, count = 0;
      var wx = this.wx, wy = this.wy, px = this.px, py = this.py, visible = this.visible;
      for (var i = 0; i < n; i++) {
        var x = wx[i] * scale - ox;
        if (x < -margin || x > size.x + margin) continue;
        var y = wy[i] * scale - oy;
        if (y < -margin || y > size.y + margin) continue;
        if (!this.isShown(i)) continue;
        visible[count] = i;
        px[count] = x;
        py[count] = y;
        count++;
      }
      this.visibleCount = count;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.mode = count <= M.pointsDotLimit ? "dots" : "cells";
      if (this.mode === "dots") this._drawDots(context);
      else this._drawCells(context, size, ratio);
      this.drawMs.push(performance.now() - started);
      if (this.drawMs.length > 50) this.drawMs.shift();
      this.fire("drawn");
    },

    _drawDots: function (context) {
      var r = DOT_RADIUS_PX, cats = this.cats;
      context.lineWidth = 1;
      context.strokeStyle = "rgba(255,255,255,0.9)";
      for (var c = 0; c < this.colors.length; c++) {
        context.beginPath();
        for (var k = 0; k < this.visibleCount; k++) {
          if (cats && cats[this.visible[k]] !== c) continue;
          context.moveTo(this.px[k] + r, this.py[k]);
          context.arc(this.px[k], this.py[k], r, 0, 2 * Math.PI);
        }
        context.fillStyle = this.colors[c];
        context.fill();
        context.stroke();
      }
    },

    // Count points per cell and colour slot, then paint each cell with the
    // count-weighted mix of its slots' colours, more opaque where denser.
    _drawCells: function (context, size, ratio) {
      var cell = M.pointsCellPx;
      var columns = Math.ceil(size.x / cell), rows = Math.ceil(size.y / cell);
      var slots = this.slotRgb.length;
      var counts = new Uint32Array(columns * rows * slots);
      var totals = new Uint32Array(columns * rows);
      var cats = this.cats, slotOf = this.slots;
      for (var k = 0; k < this.visibleCount; k++) {
        var cx = Math.floor(this.px[k] / cell), cy = Math.floor(this.py[k] / cell);
        if (cx < 0 || cy < 0 || cx >= columns || cy >= rows) continue;
        var c = cy * columns + cx;
        totals[c]++;
        counts[c * slots + (cats ? slotOf[cats[this.visible[k]]] : 0)]++;
      }
      var most = 1;
      for (c = 0; c < totals.length; c++) if (totals[c] > most) most = totals[c];
      var logMost = Math.log(1 + most);
      var width = context.canvas.width, height = context.canvas.height;
      var image = context.createImageData(width, height);
      var pixels = new Uint32Array(image.data.buffer);  // little-endian: 0xAABBGGRR
      var step = cell * ratio;
      for (c = 0; c < totals.length; c++) {
        var total = totals[c];
        if (!total) continue;
        var red = 0, green = 0, blue = 0;
        for (var s = 0; s < slots; s++) {
          var part = counts[c * slots + s];
          if (!part) continue;
          red += part * this.slotRgb[s][0];
          green += part * this.slotRgb[s][1];
          blue += part * this.slotRgb[s][2];
        }
        var alpha = Math.round(255 * (0.35 + 0.65 * Math.log(1 + total) / logMost));
        var value = ((alpha << 24) | (Math.round(blue / total) << 16) | (Math.round(green / total) << 8) |
                     Math.round(red / total)) >>> 0;
        var x0 = Math.round((c % columns) * step), y0 = Math.round(Math.floor(c / columns) * step);
        var x1 = Math.min(width, Math.round(x0 + step)), y1 = Math.min(height, Math.round(y0 + step));
        for (var y = y0; y < y1; y++) pixels.fill(value, y * width + x0, y * width + x1);
      }
      context.putImageData(image, 0, 0);
      this._cells = {columns: columns, rows: rows, totals: totals, counts: counts, slots: slots};
    },

    _onPreclick: function () { this._otherPopup = false; },

    _onPopupOpen: function (e) { if (e.popup !== this._popup) this._otherPopup = true; },

    _onClick: function (e) {
      var point = e.containerPoint;
      if (this.mode === "dots") {
        var best = -1, bestD2 = PICK_PX * PICK_PX, near = 0;
        for (var k = 0; k < this.visibleCount; k++) {
          var dx = this.px[k] - point.x, dy = this.py[k] - point.y, d2 = dx * dx + dy * dy;
          if (d2 <= PICK_PX * PICK_PX) near++;
          if (d2 <= bestD2) { best = k; bestD2 = d2; }
        }
        if (best < 0) return;
        var index = this.visible[best];
        var at = L.latLng(this.coords[2 * index + 1] / 1e6, this.coords[2 * index] / 1e6);
        this._popup.setLatLng(at).setContent(this._pointPopup(index, near - 1)).openOn(this._map);
        return;
      }
      // Cells: a summary, unless the click already opened another feature's popup.
      if (this._otherPopup || !this._cells) return;
      var cells = this._cells;
      var cx = Math.floor(point.x / M.pointsCellPx), cy = Math.floor(point.y / M.pointsCellPx);
      if (cx < 0 || cy < 0 || cx >= cells.columns || cy >= cells.rows) return;
      var c = cy * cells.columns + cx;
      if (!cells.totals[c]) return;
      this._popup.setLatLng(e.latlng).setContent(this._cellPopup(c)).openOn(this._map);
    },

    _popupShell: function (heading) {
      var div = document.createElement("div");
      div.className = "mapper-point-popup";
      var title = document.createElement("div");
      title.className = "mapper-popup-title";
      title.textContent = heading;
      div.appendChild(title);
      return div;
    },

    _row: function (div, name, value) {
      var row = document.createElement("div");
      var key = document.createElement("span");
      key.className = "mapper-point-key";
      key.textContent = name + ": ";
      row.appendChild(key);
      row.appendChild(document.createTextNode(value));
      div.appendChild(row);
    },

    _pointPopup: function (index, nearby) {
      var meta = this.meta;
      var label = this.labels && this.labels[index];
      var div = this._popupShell(label || meta.title + ", row " + (index + 1));
      if (this.cats) this._row(div, "Category", meta.categories[this.cats[index]].name);
      if (this.days) {
        var day = this.days[index];
        this._row(div, "Date", day === meta.days.undated ? "undated" :
                  dateText(meta.days.first_day + day, this.precision ? this.precision[index] : 0));
      }
      this._row(div, "Lat, lon", (this.coords[2 * index + 1] / 1e6).toFixed(6) + ", " +
                (this.coords[2 * index] / 1e6).toFixed(6));
      this._row(div, "Source", meta.source + ", row " + (index + 1) + " (" + meta.title + ")");
      if (nearby > 0) {
        var more = document.createElement("div");
        more.className = "mapper-point-note";
        more.textContent = nearby + " more point" + (nearby > 1 ? "s" : "") + " within " + PICK_PX +
          " px: zoom in to pick them.";
        div.appendChild(more);
      }
      return div;
    },

    _cellPopup: function (c) {
      var cells = this._cells, meta = this.meta;
      var total = cells.totals[c];
      var div = this._popupShell(total.toLocaleString("en-US") + " point" + (total > 1 ? "s" : "") + " here");
      if (meta.categories) {
        // Cells count by colour slot: a category with a slot of its own is named,
        // the categories sharing the last ("other") slot are summed.
        var members = this.slots.map(function (slot, i, all) {
          return all.filter(function (s) { return s === slot; }).length;
        });
        var other = 0, self = this;
        meta.categories.forEach(function (category, i) {
          var part = cells.counts[c * cells.slots + category.slot];
          if (!part || !self.shown[i]) return;
          if (members[i] > 1) other = part;
          else self._row(div, category.name, part.toLocaleString("en-US"));
        });
        if (other) this._row(div, "Other categories", other.toLocaleString("en-US"));
      }
      var note = document.createElement("div");
      note.className = "mapper-point-note";
      note.textContent = "In a " + M.pointsCellPx + " px cell of " + meta.title + " (" + meta.source +
        "). Zoom in to see and pick single points.";
      div.appendChild(note);
      return div;
    }
  };
  var PointCanvas = null;

  function addPointPanel(map, layer) {
    var meta = layer.meta;
    var panel = L.control({position: "bottomleft"});
    var countLine, modeLine;
    function showMode() {
      modeLine.textContent = layer.mode === "dots" ? "Each dot is one point; click one for its details." :
        "Zoomed out: colour mixes the categories, stronger where denser. Click for counts.";
    }
    function update() {  // after a filter change: draw, then count
      layer.redraw();
      countLine.textContent = layer.shownCount().toLocaleString("en-US") + " of " +
        meta.count.toLocaleString("en-US") + " points shown";
    }
    var pending = false;
    function schedule() {  // one redraw per frame while a slider is dragged
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; update(); });
    }
    panel.onAdd = function () {
      var div = L.DomUtil.create("div", "mapper-point-panel");
      L.DomUtil.create("div", "mapper-point-title", div).textContent = meta.title;
      L.DomUtil.create("div", "mapper-point-source", div).textContent = "Source: " + meta.source;
      if (meta.categories) {
        var list = L.DomUtil.create("ul", "mapper-point-categories", div);
        meta.categories.forEach(function (category, i) {
          var item = L.DomUtil.create("li", "", list);
          var label = L.DomUtil.create("label", "", item);
          var box = L.DomUtil.create("input", "", label);
          box.type = "checkbox";
          box.checked = true;
          box.addEventListener("change", function () { layer.shown[i] = box.checked; schedule(); });
          var swatch = L.DomUtil.create("span", "mapper-point-swatch", label);
          swatch.style.background = category.color;
          label.appendChild(document.createTextNode(category.name + " (" +
                                                    category.count.toLocaleString("en-US") + ")"));
        });
      }
      if (meta.days) {
        var days = meta.days, span = days.last_day - days.first_day;
        var readout = L.DomUtil.create("div", "mapper-point-dates", div);
        var inputs = ["From", "To"].map(function (name, i) {
          var label = L.DomUtil.create("label", "mapper-point-date", div);
          L.DomUtil.create("span", "", label).textContent = name + " ";
          var input = L.DomUtil.create("input", "", label);
          input.type = "range";
          input.min = "0";
          input.max = String(span);
          input.step = "1";
          input.value = String(i === 0 ? 0 : span);
          input.setAttribute("aria-label", meta.title + ": " + name.toLowerCase() + " date");
          return input;
        });
        var undatedBox = null;
        if (days.undated_count) {
          var label = L.DomUtil.create("label", "mapper-point-undated", div);
          undatedBox = L.DomUtil.create("input", "", label);
          undatedBox.type = "checkbox";
          undatedBox.checked = true;
          label.appendChild(document.createTextNode("Undated (" + days.undated_count.toLocaleString("en-US") + ")"));
          undatedBox.addEventListener("change", function () { layer.showUndated = undatedBox.checked; schedule(); });
        }
        if (days.partial_count) {
          L.DomUtil.create("div", "mapper-point-note mapper-point-partial", div).textContent =
            days.partial_count.toLocaleString("en-US") + " dated to a year or month only: shown while " +
            "From\u2013To overlaps that span.";
        }
        var dates = function () {
          var from = Number(inputs[0].value), to = Number(inputs[1].value);
          if (from > to) {  // the thumbs cannot cross: the one moved pushes the other
            if (this === inputs[0]) inputs[1].value = String(from); else inputs[0].value = String(to);
            from = Number(inputs[0].value);
            to = Number(inputs[1].value);
          }
          layer.fromDay = from;
          layer.toDay = to;
          readout.textContent = dayText(days.first_day + from) + " to " + dayText(days.first_day + to);
          inputs[0].setAttribute("aria-valuetext", dayText(days.first_day + from));
          inputs[1].setAttribute("aria-valuetext", dayText(days.first_day + to));
          schedule();
        };
        inputs.forEach(function (input) { input.addEventListener("input", dates); });
        readout.textContent = dayText(days.first_day) + " to " + dayText(days.last_day);
      }
      countLine = L.DomUtil.create("div", "mapper-point-count", div);
      modeLine = L.DomUtil.create("div", "mapper-point-mode", div);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      L.DomEvent.on(div, "keydown", L.DomEvent.stopPropagation);
      return div;
    };
    panel.addTo(map);
    layer.on("drawn", showMode);
    layer.on("add", function () { panel.getContainer().hidden = false; });
    layer.on("remove", function () { panel.getContainer().hidden = true; });
    update();
    return panel;
  }

  function pointLayer(group, meta) {
    PointCanvas = PointCanvas || L.Layer.extend(pointCanvasMethods);
    var layer = new PointCanvas(meta);
    group.addLayer(layer);
    var map = group._map;
    function withMap(m) {
      var panel = addPointPanel(m, layer);
      m.getContainer().setAttribute("data-mapper-points", meta.id);
      return panel;
    }
    if (map) withMap(map);
    else group.once("add", function (e) { withMap(e.target._map); });
    return layer;
  }

  // The entry point: mapper's Python calls it for each large point layer.
  M.pointLayer = pointLayer;
})(window.mapperRuntime = window.mapperRuntime || {});
