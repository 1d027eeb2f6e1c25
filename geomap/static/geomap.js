/* geomap: draws the event layers of a geomap map (inlined into map.html; no network, no dependencies but Leaflet).
 *
 * Untrusted text (everything that comes from reports: titles, quotes, places, claims, URLs) is only ever put
 * into the page with textContent / createTextNode; links are made only for http(s) URLs. Symbols are drawn on
 * one canvas, so 100k events stay one DOM node. Data layout: see geomap/render.py (_payload).
 */
(function (global) {
  "use strict";

  var DAY_MS = 86400000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function isoDay(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function safeUrl(url) {
    return (typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url)) ? url : "";
  }

  // ---- symbols drawn on the canvas -------------------------------------------------------------------
  var SHAPES = {};

  L.Canvas.include({
    _updateGmSymbol: function (layer) {
      if (!this._drawing || layer._empty()) { return; }
      var o = layer.options, p = layer._point, ctx = this._ctx;
      var r = Math.max(layer._radius, 1), shape = SHAPES[o.shape];
      if (!shape || !shape.length) {  // circle or ring
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
        if (ctx.setLineDash) { ctx.setLineDash([]); }
        if (o.fill) { ctx.globalAlpha = o.fillOpacity; ctx.fillStyle = o.fillColor; ctx.fill(); }
        if (o.stroke) { ctx.globalAlpha = o.opacity; ctx.lineWidth = o.weight; ctx.strokeStyle = o.color; ctx.stroke(); }
        return;
      }
      if (ctx.setLineDash) { ctx.setLineDash([]); }
      ctx.lineJoin = "round";
      ctx.lineCap = "round";
      for (var i = 0; i < shape.length; i++) {
        var part = shape[i], pts = part[0];
        ctx.beginPath();
        for (var j = 0; j < pts.length; j++) {
          var x = p.x + pts[j][0] * r, y = p.y - pts[j][1] * r;
          if (j === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
        }
        if (part[1]) { ctx.closePath(); }
        if (part[2]) {
          ctx.globalAlpha = o.fillOpacity;
          ctx.fillStyle = part[2] === "halo" ? o.color : o.fillColor;
          ctx.fill();
        }
        if (part[3]) {
          ctx.globalAlpha = o.opacity;
          ctx.strokeStyle = part[3] === "halo" ? o.color : o.fillColor;
          ctx.lineWidth = part[3] === "halo" ? o.weight : Math.max(o.weight, 2);
          ctx.stroke();
        }
      }
    }
  });

  var Symbol = L.CircleMarker.extend({
    options: {shape: "circle"},
    _updatePath: function () {
      if (this._renderer._updateGmSymbol) { this._renderer._updateGmSymbol(this); }
      else { this._renderer._updateCircle(this); }
    }
  });

  // ---- popups ----------------------------------------------------------------------------------------
  function row(table, label, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) { return; }
    var tr = el("tr");
    tr.appendChild(el("th", null, label));
    var td = el("td");
    if (value instanceof Node) { td.appendChild(value); } else { td.textContent = String(value); }
    tr.appendChild(td);
    table.appendChild(tr);
  }

  function placesNode(places) {
    var ul = el("ul", "gm-places");
    places.forEach(function (p) {  // [text, name, gazetteer_id, role]
      var li = el("li");
      li.appendChild(el("span", "gm-written", "\u201c" + p[0] + "\u201d"));
      li.appendChild(document.createTextNode(" \u2192 " + p[1]));
      if (p[2]) { li.appendChild(el("span", "gm-gid", " (" + p[2] + ")")); }
      if (p[3] && p[3] !== "location") { li.appendChild(el("span", "gm-role", " " + p[3])); }
      ul.appendChild(li);
    });
    return ul;
  }

  function sourcesNode(sources) {
    var div = el("div", "gm-sources");
    sources.forEach(function (s) {  // [report, quote, url, outlet, published, start, end]
      var q = el("blockquote", "gm-quote", s[1]);
      div.appendChild(q);
      var cite = el("div", "gm-cite");
      var label = s[0] + (s[3] ? " \u00b7 " + s[3] : "") + (s[4] ? " \u00b7 " + s[4] : "") +
        " \u00b7 chars " + s[5] + "\u2013" + s[6];
      cite.appendChild(document.createTextNode(label + " "));
      var url = safeUrl(s[2]);
      if (url) {
        var a = el("a", null, "open report");
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer nofollow";
        cite.appendChild(a);
      } else if (s[2]) {
        cite.appendChild(el("span", "gm-badurl", "(link not shown: " + s[2] + ")"));
      }
      div.appendChild(cite);
    });
    return div;
  }

  function popupNode(d) {
    var root = el("div", "gm-popup");
    if (d.unresolved) {
      root.appendChild(el("div", "gm-kind", "Unresolved mention"));
      root.appendChild(el("div", "gm-title", "\u201c" + d.text + "\u201d"));
      var t0 = el("table");
      row(t0, "Why", d.reason);
      row(t0, "Report", d.report + " \u00b7 chars " + d.start + "\u2013" + d.end);
      root.appendChild(t0);
      return root;
    }
    root.appendChild(el("div", "gm-kind", d.kind + (d.layer ? " \u00b7 " + d.layer : "")));
    root.appendChild(el("div", "gm-title", d.title));
    var t = el("table");
    row(t, "Date", d.date ? d.date + (d.date_precision && d.date_precision !== "day" ? " (" + d.date_precision + ")" : "") +
      (d.date_inferred ? ", inferred from the text" : "") : "not stated");
    row(t, "Place", placesNode(d.places));
    row(t, "Precision", d.precision);
    row(t, "Status", d.status);
    row(t, "Claimed by", d.claimed_by.join("; "));
    row(t, "Phase", d.phase);
    row(t, "Units", d.units.join("; "));
    row(t, "Flags", d.flags.join(", "));
    row(t, "Reports", d.n_reports + (d.n_reports === 1 ? " report" : " reports"));
    root.appendChild(t);
    root.appendChild(sourcesNode(d.sources));
    root.appendChild(el("div", "gm-id", d.id));
    return root;
  }

  // ---- building the layers ---------------------------------------------------------------------------
  function makeItem(it, styles, renderer) {
    // [kind, coords, styleIndex, detailIndex, day, radius_m]
    var kind = it[0], st = styles[it[2]], opts = L.extend({renderer: renderer}, st), layer;
    if (kind === "p") {
      layer = new Symbol(it[1], opts);
    } else if (kind === "c") {
      opts.radius = it[5];
      opts.interactive = false;
      layer = L.circle(it[1], opts);
    } else if (kind === "l") {
      layer = L.polyline(it[1], opts);
    } else {  // "h" arrowhead, "a" area
      layer = L.polygon(it[1], opts);
    }
    layer._gmKind = kind;
    layer._gmDetail = it[3];
    layer._gmDay = it[4];
    return layer;
  }

  function Ctx(map, data) {
    this.map = map;
    this.data = data;
    this.groups = {};
    this.items = {};
    this.details = data.details || null;
    this.renderer = L.canvas({padding: 0.3, tolerance: 3});
    SHAPES = data.shapes || {};
    map.getContainer().classList.add("gm-map");
    if (data.offline) { map.getContainer().classList.add("gm-offline"); }
    if (!map.getPane("gmBase")) {
      map.createPane("gmBase").style.zIndex = 250;
      map.createPane("gmLabels").style.zIndex = 390;
      map.getPane("gmBase").style.pointerEvents = "none";
      map.getPane("gmLabels").style.pointerEvents = "none";
    }
    global.geomap.maps.push(this);
  }

  Ctx.prototype.basemap = function () {
    var b = this.data.basemap, group = L.featureGroup();
    if (!b) { return group; }
    var r = L.canvas({pane: "gmBase", padding: 0.3});
    var st = {
      countries: {color: "#8d8a82", weight: 1.1, fillColor: "#f3f0e8", fillOpacity: 1, fill: true},
      admin1: {color: "#b9b3a6", weight: 0.6, dashArray: "3 3", fill: false},
      water: {color: "#9cc0de", weight: 0.5, fillColor: "#cfe2f3", fillOpacity: 1, fill: true},
      rivers: {color: "#7fb2dc", weight: 1.4, fill: false}
    };
    Object.keys(st).forEach(function (k) {
      if (!b[k] || !b[k].features.length) { return; }
      group.addLayer(L.geoJSON(b[k], {style: L.extend({renderer: r, interactive: false, pane: "gmBase"}, st[k]),
        interactive: false, attribution: this.data.attribution}));
    }, this);
    var labels = [];
    (b.countries ? b.countries.features : []).forEach(function (f) {
      if (f.properties.label) { labels.push([f.properties.label, f.properties.name, "gm-label-country"]); }
    });
    (b.admin1 ? b.admin1.features : []).forEach(function (f) {
      if (f.properties.label) { labels.push([f.properties.label, f.properties.name, "gm-label-admin1"]); }
    });
    (b.places ? b.places.features : []).forEach(function (f) {
      var c = f.geometry.coordinates;
      group.addLayer(L.circleMarker([c[1], c[0]], {renderer: r, pane: "gmBase", radius: 2.5, weight: 1,
        color: "#444", fillColor: "#fff", fillOpacity: 1, interactive: false}));
      labels.push([[c[1], c[0]], f.properties.name, "gm-label-city"]);
    });
    labels.forEach(function (lb) { group.addLayer(this.label(lb[0], lb[1], lb[2])); }, this);
    return group;
  };

  Ctx.prototype.label = function (latlng, text, cls) {
    var span = el("span", null, text);
    return L.marker(latlng, {icon: L.divIcon({html: span, className: "gm-label " + cls, iconSize: null}),
      pane: "gmLabels", interactive: false, keyboard: false});
  };

  Ctx.prototype.layer = function (key) {
    var spec = null;
    this.data.layers.forEach(function (l) { if (l.key === key) { spec = l; } });
    var group = L.featureGroup(), items = [], styles = this.data.styles, self = this;
    if (spec) {
      for (var i = 0; i < spec.items.length; i++) {
        var layer = makeItem(spec.items[i], styles, this.renderer);
        items.push(layer);
        group.addLayer(layer);
      }
    }
    group.on("click", function (e) { self.openPopup(e.layer, e.latlng); });
    group._gmKey = key;
    this.groups[key] = group;
    this.items[key] = items;
    return group;
  };

  Ctx.prototype.detail = function (i) {
    return this.details ? this.details[i] : null;
  };

  Ctx.prototype.openPopup = function (layer, latlng) {
    var self = this;
    if (!layer || layer._gmDetail < 0) { return; }
    var at = layer.getLatLng ? layer.getLatLng() : latlng;
    var show = function () {
      var d = self.detail(layer._gmDetail);
      if (!d) { return; }
      L.popup({maxWidth: 380, minWidth: 240, maxHeight: 360, autoPanPadding: [30, 30], className: "gm-leaflet-popup"})
        .setLatLng(at).setContent(popupNode(d)).openOn(self.map);
    };
    if (this.details) { show(); } else if (this.detailsReady) { this.detailsReady.then(show); }
  };

  Ctx.prototype.order = function () {
    // areas and circles below, lines and arrowheads in the middle, symbols on top (toggling a layer on
    // re-adds it last to the canvas, so restore the order after every change)
    var all = [], k;
    for (k in this.groups) {
      if (this.map.hasLayer(this.groups[k])) { this.groups[k].eachLayer(function (l) { all.push(l); }); }
    }
    var rank = {a: 0, c: 0, l: 1, h: 2, p: 3};
    for (var pass = 3; pass >= 0; pass--) {
      for (var i = 0; i < all.length; i++) {
        if (rank[all[i]._gmKind] === pass && all[i]._renderer) { all[i].bringToBack(); }
      }
    }
  };

  Ctx.prototype.filter = function (lo, hi) {
    // show events dated lo..hi (day numbers), undated ones always
    for (var k in this.groups) {
      var g = this.groups[k], items = this.items[k];
      g.clearLayers();
      for (var i = 0; i < items.length; i++) {
        var d = items[i]._gmDay;
        if (d === null || (d >= lo && d <= hi)) { g.addLayer(items[i]); }
      }
    }
    this.order();
  };

  Ctx.prototype.timeControl = function () {
    var days = this.data.days, self = this;
    if (!days || days[1] - days[0] < 1) { return null; }
    var Ctl = L.Control.extend({
      options: {position: "bottomleft"},
      onAdd: function () {
        var box = el("div", "leaflet-control gm-time");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        box.appendChild(el("div", "gm-time-title", "Events up to"));
        var input = el("input");
        input.type = "range";
        input.min = days[0];
        input.max = days[1];
        input.step = 1;
        input.value = days[1];
        input.setAttribute("aria-label", "Show events up to this date");
        var out = el("span", "gm-time-value", isoDay(days[1]));
        var only = el("input");
        only.type = "checkbox";
        var lab = el("label", "gm-time-only");
        lab.appendChild(only);
        lab.appendChild(document.createTextNode(" that day only"));
        var reset = el("button", "gm-time-reset", "all dates");
        reset.type = "button";
        var apply = function () {
          var v = +input.value;
          out.textContent = isoDay(v);
          self.filter(only.checked ? v : days[0], v);
        };
        input.addEventListener("input", function () { out.textContent = isoDay(+input.value); });
        input.addEventListener("change", apply);
        only.addEventListener("change", apply);
        reset.addEventListener("click", function () { input.value = days[1]; only.checked = false; apply(); });
        var line = el("div", "gm-time-line");
        line.appendChild(input);
        line.appendChild(out);
        box.appendChild(line);
        var line2 = el("div", "gm-time-line");
        line2.appendChild(lab);
        line2.appendChild(reset);
        box.appendChild(line2);
        box.appendChild(el("div", "gm-time-note", isoDay(days[0]) + " \u2013 " + isoDay(days[1]) +
          "; undated events always shown"));
        self.timeInput = input;
        self.timeOnly = only;
        return box;
      }
    });
    return new Ctl();
  };

  Ctx.prototype.finish = function (legendHtml) {
    var map = this.map, data = this.data, self = this;
    if (data.title) {
      var T = L.Control.extend({
        options: {position: "topleft"},
        onAdd: function () {
          var box = el("div", "leaflet-control gm-title-box");
          box.appendChild(el("div", "gm-map-title", data.title));
          if (data.subtitle) { box.appendChild(el("div", "gm-map-subtitle", data.subtitle)); }
          return box;
        }
      });
      new T().addTo(map);
    }
    if (data.labels && data.labels.length) {
      var lg = L.layerGroup();
      data.labels.forEach(function (lb) { lg.addLayer(self.label(lb[0], lb[1], "gm-label-event")); });
      lg.addTo(map);
      this.labelLayer = lg;
    }
    if (legendHtml) {
      var Legend = L.Control.extend({
        options: {position: "bottomright"},
        onAdd: function () {
          var box = el("div", "leaflet-control gm-legend");
          box.innerHTML = legendHtml;  // built by geomap from its own constants, never from report text
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        }
      });
      new Legend().addTo(map);
    }
    var tc = this.timeControl();
    if (tc) { tc.addTo(map); }
    map.on("overlayadd", function () { self.order(); });
    if (data.bounds) {
      map.fitBounds(data.bounds, {padding: [24, 24], maxZoom: 10, animate: false});
    }
    var z = function () {
      var c = map.getContainer(), zoom = map.getZoom();
      for (var i = 3; i <= 9; i++) { c.classList.toggle("gm-z" + i, zoom >= i); }
    };
    map.on("zoomend", z);
    z();
    this.order();
    if (data.details_z) { this.inflate(data.details_z); }
    global.geomap.ready = true;
    return this;
  };

  Ctx.prototype.inflate = function (b64) {
    // popup details are deflated (zlib) and base64-encoded in big maps: decode them off the critical path
    var self = this;
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    this.detailsReady = new Response(stream).text().then(function (txt) {
      self.details = JSON.parse(txt);
      return self.details;
    });
  };

  global.geomap = global.geomap || {maps: [], ready: false};
  global.geomap.init = function (map, data) { return new Ctx(map, data); };
  global.geomap.popupNode = popupNode;
})(window);
