/* mapper runtime: the timeline of dated things, with playback.
   A slider steps through the distinct dates of the map: its events (an events
   marker's `dates`, one per event, with `event_names`), the lines and areas
   known from a date (a feature's `date`, see mapper/compose/dates.py; a flow's
   arrow and a ring's centre carry their feature's), and the dates of a story's
   steps; a last step, the default, shows every date. A step shows what is
   dated on or before it: a feature dated later leaves its layer, and popup
   items (`data-mapper-date`) dated later are hidden. Play steps through the
   dates at the chosen speed, and previous and next step one date at a time.
   Dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD"; a partial date counts as its
   start ("2024" is 2024-01-01, "2024-06" is 2024-06-01), so each is padded to
   YYYY-MM-DD with "-01", and then string order is date order.
   The map gets `map.mapperTimeline` (date(), setDate(date), stop()) for the
   story and the permalink, and fires "mappertimeline" when its date changes.
   Strings it puts into the page were escaped by mapper in Python. */
(function (M) {
  "use strict";

  // Seconds a date stays on screen while the timeline plays.
  var SPEEDS = [["Slow", 3000], ["Normal", 1500], ["Fast", 600]];
  var DEFAULT_SPEED = 1;

  function dateKey(date) {
    return (String(date) + "-01-01").slice(0, 10);
  }

  function byDate(a, b) {
    var ka = dateKey(a), kb = dateKey(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // Layers with dates, and the group holding each, once each: the map lists
  // the groups and, once it has a view, the groups' layers as well.
  function datedLayers(map) {
    var found = [];
    var seen = {};
    function walk(layer, parent) {
      var props = layer.feature && layer.feature.properties;
      if (props && ((props.dates && props.dates.length) || props.date)) {
        if (parent && !seen[L.stamp(layer)]) {
          seen[L.stamp(layer)] = true;
          found.push({layer: layer, parent: parent, props: props});
        }
      } else if (layer instanceof L.LayerGroup) {
        layer.eachLayer(function (child) { walk(child, layer); });
      }
    }
    map.eachLayer(function (layer) { walk(layer, null); });
    return found;
  }

  function timeline(map, titleHtml, extraDates) {
    var container = map.getContainer();
    var items = datedLayers(map);
    extraDates = extraDates || [];
    if (!items.length && !extraDates.length) return null;
    var names = {};     // date as given -> escaped names of the events on it
    var keys = [];      // every event's date key, to count those shown
    var features = [];  // the date key of every dated line and area (not their drawing aids)
    var dates = {};     // every date as given: the slider's steps
    var current = null; // the step's date key; null for every date

    function filterItems(root) {
      var found = root.querySelectorAll("[data-mapper-date]");
      for (var i = 0; i < found.length; i++) {
        found[i].hidden = current !== null && dateKey(found[i].getAttribute("data-mapper-date")) > current;
      }
    }
    items.forEach(function (item) {
      var props = item.props;
      if (!props.dates) {
        item.first = dateKey(props.date);
        dates[props.date] = true;
        if (item.layer.feature.geometry.type !== "Point") features.push(item.first);
        return;
      }
      item.first = null;  // the earliest date key
      props.dates.forEach(function (date, i) {
        var key = dateKey(date);
        if (item.first === null || key < item.first) item.first = key;
        keys.push(key);
        dates[date] = true;
        (names[date] = names[date] || []).push(props.event_names[i]);
      });
      // Popup content built at each opening (and update), filtered to the step.
      var popup = item.layer.getPopup();
      if (!popup) return;
      var html = popup.getContent();
      popup.setContent(function () {
        var div = document.createElement("div");
        div.innerHTML = html;  // escaped by mapper, as for any popup
        filterItems(div);
        return div;
      });
    });
    extraDates.forEach(function (date) { dates[date] = true; });
    var steps = Object.keys(dates).sort(byDate);

    var input, dateLine, namesList, countLine, playButton, prevButton, nextButton, speed;
    var timer = null;
    var panel = L.control({position: "bottomleft"});
    panel.onAdd = function () {
      var div = L.DomUtil.create("div", "mapper-timeline");
      var label = L.DomUtil.create("label", "mapper-timeline-label", div);
      L.DomUtil.create("span", "mapper-timeline-title", label).innerHTML = titleHtml;
      input = L.DomUtil.create("input", "mapper-timeline-input", label);
      input.type = "range";
      input.min = "0";
      input.max = String(steps.length);
      input.step = "1";
      input.value = String(steps.length);
      var controls = L.DomUtil.create("div", "mapper-timeline-controls", div);
      prevButton = M.panelButton(controls, "mapper-timeline-button mapper-timeline-prev", "Previous date", "\u2039");
      playButton = M.panelButton(controls, "mapper-timeline-button mapper-timeline-play", "Play the timeline", "Play");
      nextButton = M.panelButton(controls, "mapper-timeline-button mapper-timeline-next", "Next date", "\u203A");
      var speedLabel = L.DomUtil.create("label", "mapper-timeline-speed", controls);
      L.DomUtil.create("span", "", speedLabel).textContent = "Speed";
      speed = L.DomUtil.create("select", "", speedLabel);
      SPEEDS.forEach(function (choice, i) {
        var option = L.DomUtil.create("option", "", speed);
        option.value = String(choice[1]);
        option.textContent = choice[0];
        option.selected = i === DEFAULT_SPEED;
      });
      // Screen readers hear the step's date, events and count as the slider's value.
      var readout = L.DomUtil.create("div", "mapper-timeline-readout", div);
      readout.setAttribute("aria-hidden", "true");
      dateLine = L.DomUtil.create("div", "mapper-timeline-date", readout);
      namesList = L.DomUtil.create("ul", "mapper-timeline-names", readout);
      countLine = L.DomUtil.create("div", "mapper-timeline-count", readout);
      // Dragging, clicking and scrolling here must not move the map, and the
      // arrow keys belong to the slider, not to the map's keyboard panning.
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      L.DomEvent.on(div, "keydown", L.DomEvent.stopPropagation);
      input.addEventListener("input", update);
      input.addEventListener("change", update);
      L.DomEvent.on(prevButton, "click", function () { stop(); setIndex(index() - 1); });
      L.DomEvent.on(nextButton, "click", function () { stop(); setIndex(index() + 1); });
      L.DomEvent.on(playButton, "click", function () {
        if (timer !== null) {
          stop();
          return;
        }
        if (index() >= steps.length) setIndex(0);  // from every date, play from the first
        play();
      });
      return div;
    };

    function index() {
      return Number(input.value);
    }

    function setIndex(i) {
      input.value = String(Math.max(0, Math.min(steps.length, i)));
      update();
    }

    function setPlaying(on) {
      playButton.textContent = on ? "Pause" : "Play";
      playButton.title = on ? "Pause the timeline" : "Play the timeline";
      playButton.setAttribute("aria-label", playButton.title);
      playButton.classList.toggle("mapper-timeline-playing", on);
      container.classList.toggle("mapper-timeline-is-playing", on);
    }

    function play() {
      setPlaying(true);
      timer = window.setTimeout(function tick() {
        setIndex(index() + 1);
        if (index() >= steps.length) {
          stop();
        } else {
          timer = window.setTimeout(tick, Number(speed.value));
        }
      }, Number(speed.value));
    }

    function stop() {
      if (timer !== null) window.clearTimeout(timer);
      timer = null;
      setPlaying(false);
    }

    function update() {
      var i = index();
      var date = i < steps.length ? steps[i] : null;
      current = date === null ? null : dateKey(date);
      items.forEach(function (item) {
        var show = current === null || item.first <= current;
        if (show !== item.parent.hasLayer(item.layer)) item.parent[show ? "addLayer" : "removeLayer"](item.layer);
        if (show && item.props.dates && item.layer.isPopupOpen()) item.layer.getPopup().update();  // re-filtered
      });
      function upTo(list) {
        return list.filter(function (key) { return current === null || key <= current; }).length;
      }
      var parts = [];
      if (keys.length) parts.push(upTo(keys) + " of " + keys.length + " events shown");
      if (features.length) parts.push(upTo(features) + " of " + features.length + " dated lines and areas");
      var count = parts.join("; ");
      var all = keys.length ? "All events" : "All dates";
      dateLine.textContent = date === null ? all + ", " + steps[0] + " to " + steps[steps.length - 1] : date;
      namesList.innerHTML = date === null ? "" : (names[date] || []).map(function (name) {
        return "<li>" + name + "</li>";  // escaped by mapper
      }).join("");
      var plain = Array.prototype.map.call(namesList.children, function (li) { return li.textContent; }).join("; ");
      namesList.title = plain;  // in full on hover, where a short map cuts the list to one line
      countLine.textContent = count;
      input.setAttribute("aria-valuetext",
                         (date === null ? all : date + (plain ? ": " + plain : "")) + "; " + count);
      prevButton.disabled = i <= 0;
      nextButton.disabled = i >= steps.length;
      container.setAttribute("data-mapper-timeline-date", date === null ? "all" : date);
      map.fire("mappertimeline", {date: date});
    }

    panel.addTo(map);
    update();
    map.mapperTimeline = {
      // The date shown as given ("2024-06"), or null for every date.
      date: function () {
        return index() < steps.length ? steps[index()] : null;
      },
      // Show ``date`` (null: every date); a date between the steps shows the step before it.
      setDate: function (date) {
        stop();
        if (date === null || date === undefined) {
          setIndex(steps.length);
          return;
        }
        var at = -1;
        steps.forEach(function (step, i) { if (dateKey(step) <= dateKey(date)) at = i; });
        setIndex(Math.max(0, at));
      },
      stop: stop
    };
    return panel;
  }

  M.timeline = timeline;
  M.dateKey = dateKey;
})(window.mapperRuntime = window.mapperRuntime || {});
