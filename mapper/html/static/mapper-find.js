/* mapper runtime: a search box over the map's own features, offline.

   Each feature drawn with a popup carries `find` in its properties (mapper's
   Python, mapper/html/find.py): its name, what kind of thing it is, and the
   other words it is known by (a place's aliases, the names of the events at
   a place). The box is an ARIA 1.2 combobox with a listbox of matches:
   typing lists them, the arrow keys move through them, Enter chooses one
   (the first if none is active), Escape closes the list (and clears the box
   when it is closed). Choosing zooms to the feature and opens its popup.

   Names come from data, so they are hostile text: this file puts them into
   the page with textContent only, never as HTML. */
(function (M) {
  "use strict";

  var MAX_RESULTS = 12;
  var POINT_ZOOM = 7;     // a place chosen is shown at least this close
  var MAX_FIT_ZOOM = 9;   // a line or area chosen is fitted, but not closer than this
  var FIT_PADDING_PX = 40;

  // Lower case, without accents and without direction controls: "Zaporizhzhia" is found by "zapor".
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
      .toLowerCase().replace(/[\u2019']/g, "'").replace(/\s+/g, " ").trim();
  }

  function words(text) {
    return text.split(/[^0-9a-z\u00c0-\uffff]+/).filter(Boolean);
  }

  /* How well `term` (folded) matches the query (folded, and its words): 0 the
     same, 1 it starts with it, 2 every word of the query starts a word of the
     term, 3 it contains the query; -1 no match. */
  function score(term, query, queryWords) {
    if (term === query) return 0;
    if (term.indexOf(query) === 0) return 1;
    var termWords = words(term);
    var all = queryWords.length > 0 && queryWords.every(function (q) {
      return termWords.some(function (t) { return t.indexOf(q) === 0; });
    });
    if (all) return 2;
    return term.indexOf(query) >= 0 ? 3 : -1;
  }

  /* The features with a `find` property, with the layer group each is shown in (its line in the layer
     control): the outermost group holding it. The map lists the groups and, once they are on it, their
     layers too, each by its stamp, and a group may be stamped after its layers. */
  function index(map) {
    var entries = [];
    var seen = {};
    var groups = [];
    map.eachLayer(function (layer) { if (layer instanceof L.LayerGroup) groups.push(layer); });
    var outermost = groups.filter(function (group) {
      return !groups.some(function (other) { return other !== group && other.hasLayer(group); });
    });
    function walk(layer, group) {
      var props = layer.feature && layer.feature.properties;
      if (props && props.find) {
        if (!seen[L.stamp(layer)]) {
          seen[L.stamp(layer)] = true;
          var terms = [props.find.name].concat(props.find.also || []);
          entries.push({layer: layer, group: group, find: props.find, terms: terms.map(fold),
                        order: entries.length, place: group && group.mapperLayer === "places" ? 0 : 1});
        }
      } else if (layer instanceof L.LayerGroup) {
        layer.eachLayer(function (child) { walk(child, group); });
      }
    }
    outermost.forEach(function (group) { walk(group, group); });
    return entries;
  }

  function matches(entries, text) {
    var query = fold(text);
    if (!query) return [];
    var queryWords = words(query);
    var found = [];
    entries.forEach(function (entry) {
      var best = -1, via = 0;
      entry.terms.forEach(function (term, i) {
        var s = score(term, query, queryWords);
        if (s >= 0 && (best < 0 || s < best)) { best = s; via = i; }
      });
      if (best >= 0) found.push({entry: entry, score: best, via: via});
    });
    // Best match first; among equals, places before the things drawn at them, then in drawing order.
    found.sort(function (a, b) {
      return a.score - b.score || a.entry.place - b.entry.place || a.entry.order - b.entry.order;
    });
    return found.slice(0, MAX_RESULTS);
  }

  function search(map, options) {
    var texts = options || {};
    var container = map.getContainer();
    var id = container.id + "-find";
    var entries = index(map);  // now, while every layer is on the map (the reader may switch some off)
    var results = [];
    var active = -1;
    var input, list, status;
    var control = L.control({position: "topright"});

    control.onAdd = function () {
      var div = L.DomUtil.create("div", "mapper-find");
      var label = L.DomUtil.create("label", "mapper-find-label", div);
      label.htmlFor = id;
      label.textContent = texts.label || "Find";
      input = L.DomUtil.create("input", "mapper-find-input", div);
      input.type = "search";
      input.id = id;
      input.placeholder = texts.placeholder || "Place, route, event…";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", id + "-list");
      list = L.DomUtil.create("ul", "mapper-find-list", div);
      list.id = id + "-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", texts.listLabel || "Matches on the map");
      list.hidden = true;
      status = L.DomUtil.create("div", "mapper-find-status", div);
      status.setAttribute("role", "status");
      L.DomEvent.on(input, "input", function () { update(input.value); });
      L.DomEvent.on(input, "keydown", onKey);
      L.DomEvent.on(input, "blur", function () { close(); });
      // Pressing an option must not take the focus from the box (that would close the list first).
      L.DomEvent.on(list, "mousedown", L.DomEvent.preventDefault);
      L.DomEvent.on(list, "click", function (event) {
        var option = event.target.closest && event.target.closest("[role=option]");
        if (option) choose(Number(option.getAttribute("data-index")));
      });
      // Typing here must not pan the map, zoom it or copy coordinates.
      L.DomEvent.on(div, "keydown keyup keypress", L.DomEvent.stopPropagation);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };

    function describe(found) {
      var entry = found.entry;
      var li = document.createElement("li");
      li.className = "mapper-find-option";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "mapper-find-name";
      name.textContent = entry.find.name;
      li.appendChild(name);
      if (found.via > 0) {  // found by another name: say which
        var also = document.createElement("span");
        also.className = "mapper-find-also";
        also.textContent = (entry.find.also || [])[found.via - 1];
        li.appendChild(also);
      }
      var kind = document.createElement("span");
      kind.className = "mapper-find-kind";
      kind.textContent = entry.find.kind || "";
      li.appendChild(kind);
      return li;
    }

    function update(text) {
      results = matches(entries, text);
      active = -1;
      list.textContent = "";
      results.forEach(function (found, i) {
        var li = describe(found);
        li.id = id + "-option-" + i;
        li.setAttribute("data-index", String(i));
        list.appendChild(li);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      var query = text.trim();
      status.textContent = !query ? "" : results.length === 0 ? "No match" :
        results.length === 1 ? "1 match" : results.length + " matches";
      div().classList.toggle("mapper-find-none", !!query && results.length === 0);
    }

    function div() { return control.getContainer(); }

    function setActive(i) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = i;
      if (active < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({block: "nearest"});
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function onKey(event) {
      var open = !list.hidden;
      var key = event.key;
      if (key === "ArrowDown" || key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          update(input.value);
          if (list.hidden) return;
        }
        var n = results.length;
        var next = key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1);
        setActive(next);
      } else if (key === "Enter") {
        event.preventDefault();
        if (open && results.length) choose(active >= 0 ? active : 0);
      } else if (key === "Escape") {
        event.preventDefault();  // Chrome would clear a search box on Escape; only a closed list clears it
        if (open) {
          close();
        } else if (input.value) {
          input.value = "";
          update("");
        }
      } else if (key === "Home" || key === "End") {
        if (open) setActive(-1);  // back to the text, where Home and End move the caret
      }
    }

    function choose(i) {
      var found = results[i];
      if (!found) return;
      var entry = found.entry;
      close();
      input.value = entry.find.name;
      var layer = entry.layer;
      // A feature whose layer is switched off in the layer control is switched back on.
      if (entry.group && !map.hasLayer(entry.group)) map.addLayer(entry.group);
      var shown = map.hasLayer(layer);
      map.closePopup();
      if (layer.getLatLng) {
        map.setView(layer.getLatLng(), Math.max(map.getZoom(), POINT_ZOOM), {animate: false});
      } else if (layer.getBounds) {
        map.fitBounds(layer.getBounds(), {padding: [FIT_PADDING_PX, FIT_PADDING_PX], maxZoom: MAX_FIT_ZOOM,
                                          animate: false});
      }
      if (shown && layer.getPopup && layer.getPopup()) {
        layer.openPopup();
        status.textContent = entry.find.name + ": shown, with its popup open";
      } else {
        status.textContent = entry.find.name + ": not drawn at the timeline's date";
      }
      container.setAttribute("data-mapper-found", entry.find.name);
    }

    control.addTo(map);
    // First in its corner, above the layer control.
    var corner = div().parentNode;
    corner.insertBefore(div(), corner.firstChild);
    return control;
  }

  M.search = search;
  M.searchFold = fold;
})(window.mapperRuntime = window.mapperRuntime || {});
