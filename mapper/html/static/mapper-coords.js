/* mapper runtime: the pointer's coordinates in decimal degrees, degrees-minutes-seconds
   and MGRS, in a readout on the map; a click on the map (or C, or the Copy button)
   copies them.

   MGRS is computed here from its published definition, on WGS84:
   - UTM (transverse Mercator, k0 = 0.9996) by Krüger's series to sixth order in n,
     as in Karney, "Transverse Mercator with an accuracy of a few nanometers",
     J. Geodesy 85 (2011), eqs. (7)-(9), (35); accurate to well under a millimetre
     within the UTM zones;
   - UPS (polar stereographic, k0 = 0.994) north of 84° N and south of 80° S;
   - the grid zone (6° zones, 8° bands C-X, X being 12°), with the Norway (32V)
     and Svalbard (31X, 33X, 35X, 37X) exceptions;
   - the 100 km square letters of the current lettering ("AA" scheme: columns
     A-H, J-R, S-Z by zone modulo 3; rows A-V without I and O, shifted by 5 in
     even zones), and the polar letters A, B, Y, Z with their own column and row
     alphabets;
   - easting and northing truncated, not rounded, within the 100 km square.
   tests/test_coords.py checks it against pyproj's UTM and UPS and against
   reference values of GeographicLib's GeoConvert.

   It writes only text (textContent), sets no inline style or event-handler
   attribute, and keeps to the one namespace object mapperRuntime. */
(function (M) {
  "use strict";

  var A = 6378137;                 // WGS84 semi-major axis, m
  var F = 1 / 298.257223563;       // WGS84 flattening
  var E = Math.sqrt(F * (2 - F));  // first eccentricity
  var UTM_K0 = 0.9996;
  var UPS_K0 = 0.994;
  var TILE_M = 100000;
  var BANDS = "CDEFGHJKLMNPQRSTUVWX";
  var UTM_COLUMNS = ["ABCDEFGH", "JKLMNPQR", "STUVWXYZ"];
  var UTM_ROWS = "ABCDEFGHJKLMNPQRSTUV";
  // Polar squares, by zone letter A (south, west), B (south, east), Y (north, west), Z (north, east).
  var UPS_COLUMNS = {A: "JKLPQRSTUXYZ", B: "ABCFGHJKLPQR", Y: "RSTUXYZ", Z: "ABCFGHJ"};
  var UPS_ROWS = {south: "ABCDEFGHJKLMNPQRSTUVWXYZ", north: "ABCDEFGHJKLMNP"};
  var UPS_FIRST = {south: 8, north: 13};  // the first 100 km column and row of the polar grids
  var UPS_FALSE_M = 2000000;

  var N3 = F / (2 - F);  // third flattening n
  var KRUGER_ALPHA = (function (n) {
    var n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
    return [
      n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180 - 127 * n5 / 288 + 7891 * n6 / 37800,
      13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440 + 281 * n5 / 630 - 1983433 * n6 / 1935360,
      61 * n3 / 240 - 103 * n4 / 140 + 15061 * n5 / 26880 + 167603 * n6 / 181440,
      49561 * n4 / 161280 - 179 * n5 / 168 + 6601661 * n6 / 7257600,
      34729 * n5 / 80640 - 3418889 * n6 / 1995840,
      212378941 * n6 / 319334400
    ];
  })(N3);
  // The rectifying radius A of Karney (2011), eq. (14).
  var RECTIFYING = A / (1 + N3) * (1 + N3 * N3 / 4 + Math.pow(N3, 4) / 64 + Math.pow(N3, 6) / 256);

  function radians(deg) { return deg * Math.PI / 180; }

  // Longitude in [-180, 180).
  function wrapLon(lon) {
    var x = ((lon + 180) % 360 + 360) % 360 - 180;
    return x === 180 ? -180 : x;
  }

  // tan(conformal latitude) from tan(latitude), Karney (2011) eqs. (7)-(9).
  function conformalTan(tau) {
    var sigma = Math.sinh(E * Math.atanh(E * tau / Math.sqrt(1 + tau * tau)));
    return tau * Math.sqrt(1 + sigma * sigma) - sigma * Math.sqrt(1 + tau * tau);
  }

  // The UTM zone of a point by the standard rule, with Norway's and Svalbard's exceptions; 0 outside 80° S-84° N.
  function utmZone(lat, lon) {
    if (!(lat >= -80 && lat < 84)) return 0;
    var ilon = Math.floor(wrapLon(lon));
    var zone = Math.floor((ilon + 180) / 6) + 1;
    var band = latitudeBand(lat);
    if (band === "V" && zone === 31 && ilon >= 3) zone = 32;
    if (band === "X" && ilon >= 0 && ilon < 42) zone = 2 * Math.floor((ilon + 183) / 12) + 1;
    return zone;
  }

  function latitudeBand(lat) {
    var index = Math.floor((Math.floor(lat) + 80) / 8);
    return BANDS.charAt(Math.max(0, Math.min(BANDS.length - 1, index)));
  }

  // UTM easting and northing (m) of a point in the given zone (the standard one if omitted).
  function utm(lat, lon, zone) {
    zone = zone || utmZone(lat, lon);
    if (!zone) return null;
    var lam = radians(wrapLon(lon - (6 * zone - 183)));
    var phi = radians(lat);
    var tauP = conformalTan(Math.tan(phi));
    var xiP = Math.atan2(tauP, Math.cos(lam));
    var etaP = Math.asinh(Math.sin(lam) / Math.sqrt(tauP * tauP + Math.cos(lam) * Math.cos(lam)));
    var xi = xiP, eta = etaP;
    for (var j = 1; j <= 6; j++) {
      xi += KRUGER_ALPHA[j - 1] * Math.sin(2 * j * xiP) * Math.cosh(2 * j * etaP);
      eta += KRUGER_ALPHA[j - 1] * Math.cos(2 * j * xiP) * Math.sinh(2 * j * etaP);
    }
    var north = lat >= 0;
    return {
      zone: zone,
      north: north,
      easting: 500000 + UTM_K0 * RECTIFYING * eta,
      northing: (north ? 0 : 10000000) + UTM_K0 * RECTIFYING * xi
    };
  }

  // UPS easting and northing (m): polar stereographic, true scale 0.994 at the pole.
  function ups(lat, lon) {
    var north = lat >= 0;
    var phi = radians(Math.abs(lat));
    var lam = radians(wrapLon(lon));
    var sinPhi = Math.sin(phi);
    var t = Math.tan(Math.PI / 4 - phi / 2) / Math.pow((1 - E * sinPhi) / (1 + E * sinPhi), E / 2);
    var rho = 2 * A * UPS_K0 * t / Math.sqrt(Math.pow(1 + E, 1 + E) * Math.pow(1 - E, 1 - E));
    return {
      north: north,
      easting: UPS_FALSE_M + rho * Math.sin(lam),
      northing: UPS_FALSE_M + (north ? -1 : 1) * rho * Math.cos(lam)
    };
  }

  function digits(value, count) {
    var text = String(Math.floor(value / Math.pow(10, 5 - count)));
    while (text.length < count) text = "0" + text;
    return text;
  }

  /* The MGRS reference of (lat, lon) as "37U DB 12345 67890" (1 m; `precision`
     1-5 digits each for easting and northing), or null where it is not defined
     (not a finite latitude in [-90, 90]). */
  function mgrs(lat, lon, precision) {
    if (!(isFinite(lat) && isFinite(lon) && lat >= -90 && lat <= 90)) return null;
    var count = precision === undefined ? 5 : precision;
    var zone = utmZone(lat, lon);
    var gzd, square, e, n;
    if (zone) {
      var u = utm(lat, lon, zone);
      var column = Math.floor(u.easting / TILE_M);
      var row = Math.floor(u.northing / TILE_M);
      gzd = zone + latitudeBand(lat);
      square = UTM_COLUMNS[(zone - 1) % 3].charAt(column - 1) +
        UTM_ROWS.charAt((row + (zone % 2 ? 0 : 5)) % UTM_ROWS.length);
      e = u.easting - column * TILE_M;
      n = u.northing - row * TILE_M;
    } else {
      var p = ups(lat, lon);
      var pole = p.north ? "north" : "south";
      var east = p.easting >= UPS_FALSE_M;
      var pcolumn = Math.floor(p.easting / TILE_M);
      var prow = Math.floor(p.northing / TILE_M);
      gzd = p.north ? (east ? "Z" : "Y") : (east ? "B" : "A");
      square = UPS_COLUMNS[gzd].charAt(pcolumn - (east ? UPS_FALSE_M / TILE_M : UPS_FIRST[pole])) +
        UPS_ROWS[pole].charAt(prow - UPS_FIRST[pole]);
      e = p.easting - pcolumn * TILE_M;
      n = p.northing - prow * TILE_M;
    }
    return gzd + " " + square + " " + digits(e, count) + " " + digits(n, count);
  }

  // Decimal degrees, latitude first (the order mapper's command line takes): "55.75580, 37.61730".
  function decimal(lat, lon) {
    return fixed(lat) + ", " + fixed(wrapLon(lon));
  }

  function fixed(value) {
    var text = value.toFixed(5);
    return /^-0\.0+$/.test(text) ? text.slice(1) : text;  // no "-0.00000"
  }

  function dmsPart(value, positive, negative, width) {
    var tenths = Math.round(Math.abs(value) * 36000);  // tenths of an arc second, carried upward
    var deg = Math.floor(tenths / 36000);
    var min = Math.floor(tenths % 36000 / 600);
    var sec = tenths % 600 / 10;
    var degText = String(deg);
    while (degText.length < width) degText = "0" + degText;
    return degText + "°" + (min < 10 ? "0" : "") + min + "′" + (sec < 10 ? "0" : "") + sec.toFixed(1) + "″ " +
      (value < 0 && tenths > 0 ? negative : positive);
  }

  // Degrees, minutes and seconds to a tenth: "55°45′20.9″ N, 037°37′02.3″ E".
  function dms(lat, lon) {
    return dmsPart(lat, "N", "S", 2) + ", " + dmsPart(wrapLon(lon), "E", "W", 3);
  }

  // The three forms of (lat, lon), each a line of text.
  function forms(lat, lon) {
    var grid = mgrs(lat, lon);
    return {decimal: decimal(lat, lon), dms: dms(lat, lon), mgrs: grid === null ? "not defined here" : grid};
  }

  /* The readout: a panel at the bottom left with the three forms of the
     pointer's position (of the map's centre when the pointer is not on the
     map, for keyboard users), a Copy button and a line that says what was
     copied. A plain click on the map copies the clicked point: not a click
     that opens or closes a popup, nor one of the measuring tool. */
  var COPY_KEY = "c";
  var STATUS_MS = 4000;

  function coordinates(map, options) {
    var labels = (options && options.labels) || {};
    var container = map.getContainer();
    var control = L.control({position: "bottomleft"});
    var shown = null;    // the latlng shown
    var onMap = false;   // the pointer is over the map itself (not a panel)
    var popups = 0;      // popups open
    var clickStart = null;
    var fields = {};
    var what, status, statusTimer = null;

    control.onAdd = function () {
      var div = L.DomUtil.create("div", "mapper-coords");
      div.setAttribute("role", "group");
      div.setAttribute("aria-label", labels.group || "Coordinates");
      var head = L.DomUtil.create("div", "mapper-coords-head", div);
      what = L.DomUtil.create("span", "mapper-coords-what", head);
      var button = L.DomUtil.create("button", "mapper-coords-copy", head);
      button.type = "button";
      button.textContent = "Copy";
      button.title = "Copy these coordinates (or press C on the map; a click on the map copies the point clicked)";
      button.setAttribute("aria-label", "Copy the coordinates shown");
      var list = L.DomUtil.create("dl", "mapper-coords-list", div);
      [["decimal", "Lat, lon"], ["dms", "DMS"], ["mgrs", "MGRS"]].forEach(function (row) {
        var dt = L.DomUtil.create("dt", "", list);
        dt.textContent = row[1];
        fields[row[0]] = L.DomUtil.create("dd", "mapper-coords-" + row[0], list);
      });
      status = L.DomUtil.create("div", "mapper-coords-status", div);
      status.setAttribute("role", "status");
      L.DomEvent.on(button, "click", function (event) {
        L.DomEvent.preventDefault(event);
        copy(shown);
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };

    function show(latlng, pointer) {
      shown = latlng;
      what.textContent = pointer ? "Pointer" : "Map centre";
      var text = forms(latlng.lat, latlng.lng);
      Object.keys(fields).forEach(function (key) { fields[key].textContent = text[key]; });
      container.setAttribute("data-mapper-coords", text.decimal);
    }

    function say(text) {
      status.textContent = text;
      if (statusTimer !== null) window.clearTimeout(statusTimer);
      statusTimer = window.setTimeout(function () { status.textContent = ""; statusTimer = null; }, STATUS_MS);
    }

    function copy(latlng) {
      if (!latlng) return;
      var text = forms(latlng.lat, latlng.lng);
      var line = text.decimal + " | " + text.dms + " | " + text.mgrs;
      container.setAttribute("data-mapper-copied", line);
      var clipboard = window.navigator.clipboard;
      if (!clipboard || !clipboard.writeText) {
        say("Copying is not allowed here; select the text instead.");
        return;
      }
      clipboard.writeText(line).then(function () {
        say("Copied " + text.decimal);
      }, function () {
        say("The browser did not allow copying; select the text instead.");
      });
    }

    function inPanel(event) {
      var target = event.originalEvent && event.originalEvent.target;
      return !!(target && target.closest && target.closest(".leaflet-control, .leaflet-popup"));
    }

    control.addTo(map);
    // Last in its corner: beside the scale (mapper-find.css), under the panels added before and after it.
    var panel = control.getContainer();
    panel.parentNode.appendChild(panel);
    map.on("mousemove", function (event) {
      if (inPanel(event)) return;  // moving onto a panel keeps the last point
      onMap = true;
      show(event.latlng, true);
    });
    L.DomEvent.on(container, "mouseleave", function () {
      onMap = false;
      show(map.getCenter(), false);
    });
    map.on("moveend", function () { if (!onMap) show(map.getCenter(), false); });
    map.on("popupopen", function () { popups++; });
    map.on("popupclose", function () { popups = Math.max(0, popups - 1); });
    map.on("mousedown", function () { clickStart = {popups: popups, opened: false}; });
    map.on("popupopen", function () { if (clickStart) clickStart.opened = true; });
    map.on("click", function (event) {
      var plain = clickStart && clickStart.popups === 0 && !clickStart.opened;
      clickStart = null;
      if (!plain || inPanel(event) || container.classList.contains("mapper-measuring")) return;
      show(event.latlng, true);
      copy(event.latlng);
    });
    map.on("keydown", function (event) {
      var key = event.originalEvent;
      // The map itself focused: not a key typed into a panel's field or pressed on its button.
      if (key.target !== container || key.ctrlKey || key.metaKey || key.altKey) return;
      if (String(key.key).toLowerCase() === COPY_KEY) copy(shown);
    });
    map.whenReady(function () { show(map.getCenter(), false); });
    return control;
  }

  M.coordinates = coordinates;
  M.mgrs = mgrs;
  M.utm = utm;
  M.ups = ups;
  M.dms = dms;
  M.coordinateForms = forms;
})(window.mapperRuntime = window.mapperRuntime || {});
