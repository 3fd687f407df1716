/* landcycle pages: charts (ECharts) and maps (Leaflet). Data comes from <script type="application/json">
   elements written by the server (no inline scripts: the Content Security Policy forbids them). */
(function () {
  "use strict";
  var CLASS_COLOURS = {A: "#1a9850", B: "#91cf60", C: "#fc8d59", D: "#d73027", REVIEW: "#7b3294"};

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // Names come from users' workbooks: tooltips take them as text, never as HTML.
  function textContent(text) {
    var span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span;
  }
  // Leaflet tooltip content made when first shown (a function), as a text node.
  function textTooltip(layer, text) {
    layer.bindTooltip(function () { return textContent(text); });
  }
  function escapeHTML(text) { return echarts.format.encodeHTML(text == null ? "" : String(text)); }

  function chart(el, option) {
    var c = echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }

  var builders = {
    "by-class": function (rows) {
      return {tooltip: {trigger: "item"}, legend: {bottom: 0},
        series: [{type: "pie", radius: ["35%", "65%"], data: rows.map(function (r) {
          return {name: r.label || r.klass, value: r.count, itemStyle: {color: r.colour}}; })}]};
    },
    "by-street": function (rows) {
      return {tooltip: {}, grid: {left: 90, right: 20, top: 10, bottom: 30},
        xAxis: {type: "value"}, yAxis: {type: "category", data: rows.map(function (r) { return r.jurisdiction__name; })},
        series: [{type: "bar", data: rows.map(function (r) { return r.area_ha; }), itemStyle: {color: "#3b6ea5"}}]};
    },
    "trend": function (t) {
      return {tooltip: {trigger: "axis"}, legend: {bottom: 0}, grid: {left: 70, right: 20, top: 10, bottom: 50},
        xAxis: {type: "category", data: t.years}, yAxis: {type: "value"},
        series: [{name: "产值 output", type: "line", data: t.output}, {name: "税收 tax", type: "line", data: t.tax}]};
    },
    "indicator-history": function (t) {
      return {tooltip: {trigger: "axis"}, legend: {bottom: 0}, grid: {left: 60, right: 20, top: 10, bottom: 50},
        xAxis: {type: "category", data: t.years}, yAxis: {type: "value"},
        series: [{name: "地均产值 output/ha", type: "line", data: t.output_per_ha},
                 {name: "地均税收 tax/ha", type: "line", data: t.tax_per_ha}]};
    },
    "relation-graph": function (g) {
      return {tooltip: {formatter: function (p) { return escapeHTML(p.dataType === "edge" ? p.data.label : p.data.name); }},
        legend: {data: g.categories.map(function (c) { return c.name; }), bottom: 0},
        series: [{type: "graph", layout: "force", roam: true, draggable: true, label: {show: true, position: "right"},
          force: {repulsion: 220, edgeLength: 90}, categories: g.categories, symbolSize: 22,
          edgeLabel: {show: true, formatter: function (p) { return p.data.label; }, fontSize: 10},
          data: g.nodes, links: g.links, lineStyle: {color: "source", curveness: 0.1}}]};
    }
  };

  function initCharts() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var key = el.getAttribute("data-chart");
      var value = data(key);
      if (value && builders[key]) chart(el, builders[key](value));
    });
  }

  function baseMap(el) {
    var settings = data("map-settings") || {};
    var map = L.map(el, {preferCanvas: true});
    // Base map tiles as configured on the server (天地图, an intranet tile server, or none:
    // then the layers are drawn on a plain background and nothing is downloaded).
    (settings.tiles || []).forEach(function (t) {
      L.tileLayer(t.url, {subdomains: t.subdomains, maxZoom: t.max_zoom,
        attribution: textContent(t.attribution).outerHTML}).addTo(map);
    });
    var e = settings.extent;
    if (e) map.fitBounds([[e[1], e[0]], [e[3], e[2]]]); else map.setView([39.78, 116.5], 12);
    return map;
  }

  function bboxOf(map) {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
  }

  function loader(map, url, layer, params, style, onFeature) {
    var seq = 0;
    return function () {
      var mine = ++seq;
      var q = "bbox=" + bboxOf(map) + "&zoom=" + map.getZoom() + (params ? "&" + params : "");
      fetch(url + "?" + q, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (fc) {
        if (mine !== seq) return;  // a newer view was requested meanwhile
        layer.clearLayers();
        L.geoJSON(fc, {style: style(fc.kind), onEachFeature: function (f, l) { onFeature(fc.kind, f, l); }}).addTo(layer);
        map.getContainer().setAttribute("data-loaded", fc.kind + ":" + fc.features.length);
      });
    };
  }

  function initOfficerMap(el) {
    var map = baseMap(el);
    window.landcycleMap = map;  // for the browser tests and the console
    var cardUrl = el.getAttribute("data-card-url");
    function parcelStyle(kind) {
      return function (f) {
        if (kind === "grid") {
          var n = f.properties.count;
          return {color: "#1f3b57", weight: 0.5, fillColor: "#3b6ea5", fillOpacity: Math.min(0.15 + Math.log10(n + 1) / 4, 0.85)};
        }
        return {color: "#333", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.7};
      };
    }
    function onParcel(kind, f, l) {
      if (kind === "grid") { textTooltip(l, f.properties.count); return; }
      textTooltip(l, f.properties.code + " " + (f.properties.holder || "") + (f.properties["class"] ? " · " + f.properties["class"] : ""));
      l.on("click", function () { window.location.href = cardUrl + f.properties.id + "/"; });
    }
    var parcels = L.layerGroup().addTo(map);
    var control = L.layerGroup();
    var available = L.layerGroup();
    var streets = L.layerGroup().addTo(map);
    window.landcycleStreets = streets;  // for the browser tests
    var url = el.getAttribute("data-parcels-url");
    var loads = [
      [parcels, loader(map, url, parcels, "layer=parcels", parcelStyle, onParcel)],
      [control, loader(map, url, control, "layer=control_line", function () { return function () { return {color: "#8e44ad", weight: 2, fillOpacity: 0.1}; }; }, onParcel)],
      [available, loader(map, url, available, "layer=available", function () { return function () { return {color: "#f39c12", weight: 2, fillOpacity: 0.3}; }; }, onParcel)]
    ];
    function refresh() { loads.forEach(function (p) { if (map.hasLayer(p[0])) p[1](); }); }
    map.on("moveend", refresh);
    map.on("overlayadd", refresh);
    loadStreets(map, el.getAttribute("data-streets-url"), streets);
    var overlays = {};
    overlays[el.getAttribute("data-label-parcels")] = parcels;
    overlays[el.getAttribute("data-label-streets")] = streets;
    overlays[el.getAttribute("data-label-control")] = control;
    overlays[el.getAttribute("data-label-available")] = available;
    L.control.layers(null, overlays, {collapsed: false}).addTo(map);
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      div.innerHTML = Object.keys(CLASS_COLOURS).map(function (k) { return '<i style="background:' + CLASS_COLOURS[k] + '"></i>' + k; }).join("<br>");
      // Street lines: what each style means (labels from the page, as text).
      [["boundary", "data-label-boundary"], ["extent", "data-label-extent"]].forEach(function (p) {
        var row = document.createElement("div");
        row.className = "legend-line " + p[0];
        var line = document.createElement("span");
        line.className = "line";
        row.appendChild(line);
        row.appendChild(document.createTextNode(el.getAttribute(p[1]) || ""));
        div.appendChild(row);
      });
      return div;
    };
    legend.addTo(map);
    refresh();
  }

  // Streets: the imported outline (solid), or the box around the street's parcels (dashed:
  // no outline imported). Marks the map element when drawn, for the browser tests.
  var STREET_STYLES = {
    boundary: {color: "#1f3b57", weight: 2.5, fill: false},
    extent: {color: "#1f3b57", weight: 1.5, dashArray: "6 4", fill: false}
  };
  function loadStreets(map, url, layer) {
    if (!url) return;
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (fc) {
      L.geoJSON(fc, {style: function (f) { return STREET_STYLES[f.properties.outline || "boundary"]; },
        onEachFeature: function (f, l) { textTooltip(l, f.properties.name); }}).addTo(layer);
      var outlines = fc.features.filter(function (f) { return (f.properties.outline || "boundary") === "boundary"; }).length;
      map.getContainer().setAttribute("data-streets", outlines + "/" + fc.features.length);
    });
  }

  function initParcelMap(el) {
    var geometry = data(el.getAttribute("data-geometry"));
    var map = baseMap(el);
    if (geometry) {
      var layer = L.geoJSON(geometry, {style: {color: "#d35400", weight: 2, fillOpacity: 0.3}}).addTo(map);
      map.fitBounds(layer.getBounds(), {maxZoom: 18});
    }
  }

  function initPortalMap(el) {
    var map = baseMap(el);
    var streets = L.layerGroup().addTo(map);
    loadStreets(map, el.getAttribute("data-streets-url"), streets);
    var layer = L.layerGroup().addTo(map);
    var load = loader(map, el.getAttribute("data-url"), layer, "", function () {
      return function () { return {color: "#f39c12", weight: 2, fillOpacity: 0.35}; };
    }, function (kind, f, l) {
      var p = f.properties;
      textTooltip(l, [p.parcel_code, p.jurisdiction, p.area_m2 ? Math.round(p.area_m2) + " m²" : "", p.land_use, p.category, p.conditions].filter(Boolean).join(" · "));
    });
    map.on("moveend", load);
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.echarts) initCharts();
    if (!window.L) return;
    var m = document.getElementById("map"); if (m) initOfficerMap(m);
    var p = document.getElementById("parcel-map"); if (p) initParcelMap(p);
    var q = document.getElementById("portal-map"); if (q) initPortalMap(q);
  });
})();
