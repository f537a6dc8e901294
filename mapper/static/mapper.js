/* mapper runtime: draws mapper's GeoJSON layers with plain Leaflet.
   Every string it puts into the page was HTML-escaped by mapper in Python. */
var mapperMinorLabelZoom = 6;
var mapperPanes = [
  ["mapper-basemap", 250],
  ["mapper-areas", 380],
  ["mapper-lines", 420],
  ["mapper-points", 460]
];

function mapperPanel(map, position, className, html) {
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

function mapperSetup(map, titleHtml) {
  mapperPanes.forEach(function (pane) {
    map.createPane(pane[0]).style.zIndex = pane[1];
  });
  mapperPanel(map, "topleft", "mapper-title", titleHtml);
  L.control.zoom({position: "topleft"}).addTo(map);
  // Minor labels (ports, cities) crowd the overview; show them from zoom 6.
  var container = map.getContainer();
  function toggleMinorLabels() {
    container.classList.toggle("mapper-zoomed-out", map.getZoom() < mapperMinorLabelZoom);
  }
  map.on("zoomend", toggleMinorLabels);
  map.whenReady(toggleMinorLabels);
}

function mapperLegend(map, legendHtml) {
  mapperPanel(map, "bottomright", "mapper-legend", legendHtml);
}

// Fit without animation, then flag the container so scripts and tests
// know the first draw is done.
function mapperFit(map, bounds) {
  map.fitBounds(bounds, {padding: [30, 30], animate: false});
  map.whenReady(function () {
    map.getContainer().setAttribute("data-mapper-ready", "true");
  });
}

function mapperBasemap(map, collection, style) {
  L.geoJSON(collection, {
    pane: "mapper-basemap",
    interactive: false,
    style: function () {
      return {color: style.color, weight: 0.8, fillColor: style.fillColor, fillOpacity: 1};
    }
  }).addTo(map);
}

function mapperPaneFor(feature) {
  var type = feature.geometry.type;
  if (type === "Point") return "mapper-points";
  if (type === "Polygon" || type === "MultiPolygon") return "mapper-areas";
  return "mapper-lines";
}

function mapperArrow(latlng, props) {
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

function mapperAddFeatures(group, collection) {
  L.geoJSON(collection, {
    style: function (feature) {
      return L.extend({pane: mapperPaneFor(feature)}, feature.properties.style);
    },
    pointToLayer: function (feature, latlng) {
      var props = feature.properties;
      if (props.marker === "arrow") return mapperArrow(latlng, props);
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
