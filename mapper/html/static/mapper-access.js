/* mapper runtime: the map from the keyboard and for screen readers.

   - The map is a labelled region (a landmark), named by its title.
   - Leaflet's buttons are links with role="button" (zoom, full screen,
     measure, a popup's close): Space presses them, as it does a button.
   - Measuring from the keyboard: with the map focused, the arrow keys move
     it under a cross at its centre, and Enter adds the centre as a point
     (Escape or the ruler ends, as with the mouse).
   Focus shows on every control (mapper-find.css). */
(function (M) {
  "use strict";

  function accessible(map, options) {
    var container = map.getContainer();
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", (options && options.label) || "Map");
    L.DomEvent.on(container, "keydown", function (event) {
      var target = event.target;
      if (event.key === " " && target.matches && target.matches("a[role=button]")) {
        L.DomEvent.preventDefault(event);
        target.click();
      } else if (event.key === "Enter" && target === container && container.classList.contains("mapper-measuring")) {
        L.DomEvent.preventDefault(event);
        map.fire("click", {latlng: map.getCenter(), containerPoint: map.getSize().divideBy(2)});
      }
    });
  }

  M.accessible = accessible;
})(window.mapperRuntime = window.mapperRuntime || {});
