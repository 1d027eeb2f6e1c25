/* geomap: draws the event layers of a geomap map (inlined into map.html; no network, no dependencies but Leaflet).
 *
 * Untrusted text (everything that comes from reports: titles, quotes, places, claims, URLs) is only ever put
 * into the page with textContent / createTextNode; links are made only for http(s) URLs. Symbols are drawn on
 * one canvas, so 100k events stay one DOM node. Data layout: see geomap/render.py (payload).
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

  // ---- the event canvas --------------------------------------------------------------------------------
  // Every event item is drawn by one canvas layer from the payload's arrays: no Leaflet object per item, only
  // what is in view is drawn, and redraws are coalesced to one per animation frame. Clicks are hit-tested
  // against the same arrays (top-most symbol first), so popups work as with Leaflet's own vectors.
  var SHAPES = {};
  var RANK = {a: 0, c: 0, l: 1, h: 2, p: 3};
  var MAXLAT = 85.0511287798;

  function mercX(lng) { return (lng + 180) / 360; }
  function mercY(lat) {
    lat = Math.max(Math.min(lat, MAXLAT), -MAXLAT);
    var s = Math.sin(lat * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  function flatPath(latlngs, bb) {  // [[lat, lng], ...] -> Float64Array [x0, y0, x1, y1, ...] (unit Mercator)
    var a = new Float64Array(latlngs.length * 2);
    for (var i = 0; i < latlngs.length; i++) {
      var x = mercX(latlngs[i][1]), y = mercY(latlngs[i][0]);
      a[2 * i] = x;
      a[2 * i + 1] = y;
      if (x < bb[0]) { bb[0] = x; }
      if (y < bb[1]) { bb[1] = y; }
      if (x > bb[2]) { bb[2] = x; }
      if (y > bb[3]) { bb[3] = y; }
    }
    return a;
  }

  function dashes(s) {
    return s ? String(s).split(/[ ,]+/).map(Number) : [];
  }

  function prepare(it, styles) {
    // payload item [kind, coords, styleIndex, detailIndex, day, radius_m] -> a drawable record
    var kind = it[0], bb = [Infinity, Infinity, -Infinity, -Infinity], g;
    if (kind === "p" || kind === "c") {
      g = flatPath([it[1]], bb);
    } else if (kind === "l") {
      g = [flatPath(it[1], bb)];
    } else {  // polygon: [ring, ...]; multipolygon: [[ring, ...], ...] -> its rings (filled even-odd)
      var polys = typeof it[1][0][0][0] === "number" ? [it[1]] : it[1];
      g = [];
      for (var i = 0; i < polys.length; i++) {
        for (var j = 0; j < polys[i].length; j++) { g.push(flatPath(polys[i][j], bb)); }
      }
    }
    var st = styles[it[2]];
    if (!st._dash) { st._dash = dashes(st.dashArray); st._id = it[2]; }
    return {k: kind, s: st, d: it[3], day: it[4], r: it[5] || 0, g: g, bb: bb, ll: kind === "p" ? it[1] : null};
  }

  var EventCanvas = L.Layer.extend({
    options: {pane: "overlayPane", padding: 0.1, tolerance: 3},

    initialize: function (ctx) { this._gm = ctx; },

    onAdd: function () {
      this._canvas = L.DomUtil.create("canvas", "gm-events leaflet-zoom-animated");
      this._ctx = this._canvas.getContext("2d");
      this.getPane().appendChild(this._canvas);
      this._update();
    },

    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      if (this._frame) { L.Util.cancelAnimFrame(this._frame); this._frame = null; }
    },

    getEvents: function () {
      var ev = {viewreset: this._update, moveend: this._update, zoom: this._onZoom, resize: this._update};
      if (this._map._zoomAnimated) { ev.zoomanim = this._onAnimZoom; }
      return ev;
    },

    _onAnimZoom: function (e) { this._updateTransform(e.center, e.zoom); },
    _onZoom: function () { this._updateTransform(this._map.getCenter(), this._map.getZoom()); },

    _updateTransform: function (center, zoom) {  // as L.Renderer: scale the last drawing while zooming
      if (!this._center) { return; }
      var map = this._map, scale = map.getZoomScale(zoom, this._zoom),
        viewHalf = map.getSize().multiplyBy(0.5 + this.options.padding),
        current = map.project(this._center, zoom),
        topLeft = viewHalf.multiplyBy(-scale).add(current).subtract(map._getNewPixelOrigin(center, zoom));
      if (L.Browser.any3d) { L.DomUtil.setTransform(this._canvas, topLeft, scale); }
      else { L.DomUtil.setPosition(this._canvas, topLeft); }
    },

    _update: function () {
      var map = this._map;
      if (!map || (map._animatingZoom && this._bounds)) { return; }
      var p = this.options.padding, size = map.getSize(),
        min = map.containerPointToLayerPoint(size.multiplyBy(-p)).round();
      this._bounds = L.bounds(min, min.add(size.multiplyBy(1 + p * 2)).round());
      this._center = map.getCenter();
      this._zoom = map.getZoom();
      this._origin = map.getPixelOrigin();
      L.DomUtil.setPosition(this._canvas, min);
      this.redraw();
    },

    redraw: function () {  // coalesced: at most one drawing per animation frame
      if (this._map && !this._frame) { this._frame = L.Util.requestAnimFrame(this._draw, this); }
    },

    _draw: function () {
      this._frame = null;
      var map = this._map;
      if (!map || !this._bounds) { return; }
      var b = this._bounds, sz = b.getSize(), m = global.devicePixelRatio > 1 ? 2 : 1, cv = this._canvas, c = this._ctx;
      if (m !== this._m) { this._m = m; this._sprites = null; }
      cv.width = m * sz.x;
      cv.height = m * sz.y;
      cv.style.width = sz.x + "px";
      cv.style.height = sz.y + "px";
      c.setTransform(m, 0, 0, m, 0, 0);
      var W = 256 * Math.pow(2, this._zoom), ox = this._origin.x + b.min.x, oy = this._origin.y + b.min.y;
      this._view = {W: W, ox: ox, oy: oy};
      var x0 = ox / W, y0 = oy / W, x1 = (ox + sz.x) / W, y1 = (oy + sz.y) / W, slack = 40 / W;
      var ranks = this._gm.visibleRanks();
      for (var r = 0; r < ranks.length; r++) {
        var items = ranks[r];
        for (var i = 0; i < items.length; i++) {
          var it = items[i], bb = it.bb;
          if (bb[2] < x0 - slack || bb[0] > x1 + slack || bb[3] < y0 - slack || bb[1] > y1 + slack) { continue; }
          if (it.k === "c" && !this._circleInView(it, W, x0, y0, x1, y1)) { continue; }
          this._drawItem(c, it, W, ox, oy);
        }
      }
      c.globalAlpha = 1;
    },

    _circleRadius: function (it, W) {  // metres -> pixels at the item's latitude (as L.Circle on EPSG:3857)
      var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * it.g[1]))) * 180 / Math.PI;
      return Math.max(it.r / (40075016.686 * Math.cos(lat * Math.PI / 180)) * W, 1);
    },

    _circleInView: function (it, W, x0, y0, x1, y1) {
      var rr = this._circleRadius(it, W) / W;
      return !(it.g[0] + rr < x0 || it.g[0] - rr > x1 || it.g[1] + rr < y0 || it.g[1] - rr > y1);
    },

    _sprite: function (key, half, paint) {
      // a symbol drawn once on its own canvas and then copied to every position that uses it: at whole
      // pixels (where Leaflet puts symbols too) the copy is the same pixels as drawing it there again
      var cache = this._sprites || (this._sprites = {}), sp = cache[key];
      if (!sp) {
        var m = this._m, cv = document.createElement("canvas");
        cv.width = cv.height = 2 * half * m;
        var c = cv.getContext("2d");
        c.setTransform(m, 0, 0, m, 0, 0);
        paint(c, half, half);
        sp = cache[key] = cv;
      }
      return sp;
    },

    _drawItem: function (c, it, W, ox, oy) {
      var o = it.s, k = it.k, self = this;
      if (k === "p") {
        var px = Math.round(it.g[0] * W - ox), py = Math.round(it.g[1] * W - oy);
        var half = Math.ceil(Math.max(o.radius, 1) * 1.5 + o.weight + 2);
        var sp = this._sprite(o._id + "p", half, function (sc, x, y) { self._drawSymbol(sc, x, y, o); });
        c.globalAlpha = 1;
        c.drawImage(sp, px - half, py - half, 2 * half, 2 * half);
        return;
      }
      if (k === "c") {
        var cx = Math.round(it.g[0] * W - ox), cy = Math.round(it.g[1] * W - oy), rad = this._circleRadius(it, W);
        if (rad < 48) {  // small circles (most of them when zoomed out) as sprites, radius to a quarter pixel
          rad = Math.round(rad * 4) / 4;
          var h2 = Math.ceil(rad + o.weight + 2);
          var sc = this._sprite(o._id + "c" + rad, h2, function (g, x, y) { self._pathCircle(g, x, y, rad, o); });
          c.globalAlpha = 1;
          c.drawImage(sc, cx - h2, cy - h2, 2 * h2, 2 * h2);
          return;
        }
        this._pathCircle(c, cx, cy, rad, o);
        return;
      }
      c.beginPath();
      {
        for (var j = 0; j < it.g.length; j++) {
          var a = it.g[j];
          for (var q = 0; q < a.length; q += 2) {
            var x = a[q] * W - ox, y = a[q + 1] * W - oy;
            if (q === 0) { c.moveTo(x, y); } else { c.lineTo(x, y); }
          }
          if (k !== "l") { c.closePath(); }
        }
      }
      this._fillStroke(c, o);
    },

    _pathCircle: function (c, x, y, r, o) {
      c.beginPath();
      c.arc(x, y, r, 0, Math.PI * 2, false);
      this._fillStroke(c, o);
    },

    _fillStroke: function (c, o) {
      if (c.setLineDash) { c.setLineDash(o._dash); }
      if (o.fill) { c.globalAlpha = o.fillOpacity; c.fillStyle = o.fillColor; c.fill("evenodd"); }
      if (o.weight !== 0) {
        c.globalAlpha = o.opacity;
        c.lineWidth = o.weight;
        c.strokeStyle = o.color;
        c.lineCap = "round";
        c.lineJoin = o.lineJoin || "round";
        c.stroke();
      }
    },

    _drawSymbol: function (c, px, py, o) {
      var r = Math.max(o.radius, 1), shape = SHAPES[o.shape];
      if (c.setLineDash) { c.setLineDash([]); }
      if (!shape || !shape.length) {  // circle or ring
        c.beginPath();
        c.arc(px, py, r, 0, Math.PI * 2, false);
        if (o.fill) { c.globalAlpha = o.fillOpacity; c.fillStyle = o.fillColor; c.fill("evenodd"); }
        c.globalAlpha = o.opacity;
        c.lineWidth = o.weight;
        c.strokeStyle = o.color;
        c.stroke();
        return;
      }
      c.lineJoin = "round";
      c.lineCap = "round";
      for (var i = 0; i < shape.length; i++) {
        var part = shape[i], pts = part[0];
        c.beginPath();
        for (var j = 0; j < pts.length; j++) {
          var x = px + pts[j][0] * r, y = py - pts[j][1] * r;
          if (j === 0) { c.moveTo(x, y); } else { c.lineTo(x, y); }
        }
        if (part[1]) { c.closePath(); }
        if (part[2]) {
          c.globalAlpha = o.fillOpacity;
          c.fillStyle = part[2] === "halo" ? o.color : o.fillColor;
          c.fill();
        }
        if (part[3]) {
          c.globalAlpha = o.opacity;
          c.strokeStyle = part[3] === "halo" ? o.color : o.fillColor;
          c.lineWidth = part[3] === "halo" ? o.weight : Math.max(o.weight, 2);
          c.stroke();
        }
      }
    },

    hit: function (cp) {
      // the interactive item under container point cp: symbols first, then arrowheads, lines, areas
      var v = this._view, map = this._map;
      if (!v || !map) { return null; }
      var lp = map.containerPointToLayerPoint(cp), px = lp.x + this._origin.x, py = lp.y + this._origin.y;
      var W = v.W, tol = this.options.tolerance, ranks = this._gm.visibleRanks();
      for (var r = ranks.length - 1; r >= 0; r--) {
        var items = ranks[r];
        for (var i = items.length - 1; i >= 0; i--) {
          var it = items[i];
          if (it.d < 0) { continue; }
          var slack = (it.k === "p" ? it.s.radius + tol : it.s.weight / 2 + tol) / W, bb = it.bb, ux = px / W, uy = py / W;
          if (ux < bb[0] - slack || ux > bb[2] + slack || uy < bb[1] - slack || uy > bb[3] + slack) { continue; }
          if (it.k === "p") {
            var dx = it.g[0] * W - px, dy = it.g[1] * W - py, rr = it.s.radius + tol;
            if (dx * dx + dy * dy <= rr * rr) { return it; }
          } else if (it.k === "l") {
            if (nearPath(it.g, W, px, py, it.s.weight / 2 + tol, false)) { return it; }
          } else if (it.k === "h" || it.k === "a") {
            if (inRings(it.g, W, px, py) || nearPath(it.g, W, px, py, it.s.weight / 2 + tol, true)) { return it; }
          }
        }
      }
      return null;
    }
  });

  function segDist2(px, py, ax, ay, bx, by) {
    var dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, t = l2 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    t = Math.max(0, Math.min(1, t));
    var x = ax + t * dx - px, y = ay + t * dy - py;
    return x * x + y * y;
  }

  function nearPath(paths, W, px, py, d, closed) {
    for (var j = 0; j < paths.length; j++) {
      var a = paths[j], n = a.length;
      for (var q = 0; q + 2 < n + (closed ? 2 : 0); q += 2) {
        var q2 = (q + 2) % n;
        if (segDist2(px, py, a[q] * W, a[q + 1] * W, a[q2] * W, a[q2 + 1] * W) <= d * d) { return true; }
      }
    }
    return false;
  }

  function inRings(rings, W, px, py) {  // even-odd, like the fill
    var inside = false;
    for (var j = 0; j < rings.length; j++) {
      var a = rings[j], n = a.length;
      for (var q = 0, p = n - 2; q < n; p = q, q += 2) {
        var xi = a[q] * W, yi = a[q + 1] * W, xj = a[p] * W, yj = a[p + 1] * W;
        if (((yi > py) !== (yj > py)) && (px < (xj - xi) * (py - yi) / (yj - yi) + xi)) { inside = !inside; }
      }
    }
    return inside;
  }

  var KeyLayer = L.Layer.extend({  // one per event layer: what the layer control toggles
    initialize: function (ctx, key) { this._gm = ctx; this._gmKey = key; },
    onAdd: function (map) { this._gm.show(this._gmKey, true, map); },
    onRemove: function () { this._gm.show(this._gmKey, false); }
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
    if (d.n_sources > d.sources.length) {  // a much-told event: the popup quotes the first few
      root.appendChild(el("div", "gm-more", "\u2026 and " + (d.n_sources - d.sources.length).toLocaleString("en") +
        " more quotes: events.geojson lists all " + d.n_sources.toLocaleString("en") + "."));
    }
    root.appendChild(el("div", "gm-id", d.id));
    return root;
  }


  // ---- the map context -------------------------------------------------------------------------------
  function Ctx(map, data) {
    this.map = map;
    this.data = data;
    this.groups = {};
    this.items = {};
    this.visible = {};
    this.range = null;
    this.details = data.details || null;
    this.canvas = new EventCanvas(this);
    this.labels = [];
    SHAPES = data.shapes || {};
    map.getContainer().classList.add("gm-map");
    if (data.offline) { map.getContainer().classList.add("gm-offline"); }
    if (!map.getPane("gmBase")) {
      map.createPane("gmBase").style.zIndex = 250;
      map.createPane("gmLabels").style.zIndex = 390;
      map.getPane("gmBase").style.pointerEvents = "none";
      map.getPane("gmLabels").style.pointerEvents = "none";
    }
    var self = this;
    map.on("click", function (e) {
      if (!map.hasLayer(self.canvas)) { return; }
      var it = self.canvas.hit(e.containerPoint);
      if (it) { self.openPopup(it, e.latlng); }
    });
    var pending = null;
    map.on("mousemove", function (e) {  // the pointer cursor over clickable items, checked once per frame
      pending = e.containerPoint;
      if (self._hover) { return; }
      self._hover = L.Util.requestAnimFrame(function () {
        self._hover = null;
        var on = map.hasLayer(self.canvas) && !!self.canvas.hit(pending);
        map.getContainer().classList.toggle("gm-pointer", on);
      });
    });
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

  // Labels never overlap: where two collide on screen, the one of higher rank stays (event places first,
  // then countries, cities, regions; within a class, in the order geomap ranked them).
  var LABEL_RANK = {"gm-label-event": 0, "gm-label-country": 1, "gm-label-city": 2, "gm-label-admin1": 3};

  Ctx.prototype.label = function (latlng, text, cls) {
    var span = el("span", null, text);
    var m = L.marker(latlng, {icon: L.divIcon({html: span, className: "gm-label " + cls, iconSize: null}),
      pane: "gmLabels", interactive: false, keyboard: false});
    this.labels.push({rank: LABEL_RANK[cls] || 0, n: this.labels.length, marker: m});
    return m;
  };

  Ctx.prototype.declutter = function () {
    var shown = [], live = [];
    this.labels.forEach(function (l) {
      var icon = l.marker._icon;  // absent while its layer is off the map
      if (icon && icon.firstChild) { icon.firstChild.style.visibility = ""; live.push(l); }
    });
    live.sort(function (a, b) { return a.rank - b.rank || a.n - b.n; });
    var boxes = live.map(function (l) { return l.marker._icon.firstChild.getBoundingClientRect(); });
    live.forEach(function (l, i) {
      var r = boxes[i];
      if (!r.width) { return; }  // hidden by the style at this zoom
      var hit = shown.some(function (s) {
        return r.left < s.right + 2 && s.left < r.right + 2 && r.top < s.bottom + 1 && s.top < r.bottom + 1;
      });
      if (hit) { l.marker._icon.firstChild.style.visibility = "hidden"; } else { shown.push(r); }
    });
  };

  Ctx.prototype.layer = function (key) {
    var spec = null, styles = this.data.styles, items = [[], [], [], []];
    this.data.layers.forEach(function (l) { if (l.key === key) { spec = l; } });
    if (spec) {
      for (var i = 0; i < spec.items.length; i++) {
        var it = prepare(spec.items[i], styles);
        items[RANK[it.k]].push(it);
      }
    }
    var layer = new KeyLayer(this, key);
    this.groups[key] = layer;
    this.items[key] = items;
    return layer;
  };

  Ctx.prototype.show = function (key, on, map) {
    this.visible[key] = on;
    this._ranks = null;
    if (on && map && !map.hasLayer(this.canvas)) { map.addLayer(this.canvas); }
    this.canvas.redraw();
  };

  Ctx.prototype.visibleRanks = function () {
    // the items of the shown layers in drawing order (areas and circles, lines, arrowheads, symbols) and,
    // within each of these ranks, the layers first in the control (and their first items) on top; the date
    // filter applied
    if (this._ranks) { return this._ranks; }
    var out = [[], [], [], []], lo = this.range ? this.range[0] : -Infinity, hi = this.range ? this.range[1] : Infinity;
    for (var k in this.groups) {
      if (!this.visible[k]) { continue; }
      for (var r = 0; r < 4; r++) {
        var src = this.items[k][r];
        for (var i = 0; i < src.length; i++) {
          var d = src[i].day;
          if (d === null || (d >= lo && d <= hi)) { out[r].push(src[i]); }
        }
      }
    }
    for (var q = 0; q < 4; q++) { out[q].reverse(); }
    this._ranks = out;
    return out;
  };

  Ctx.prototype.detail = function (i) {
    // an event's details are a list in the order of data.detail_fields (unresolved items: an object)
    var d = this.details ? this.details[i] : null, f = this.data.detail_fields;
    if (!Array.isArray(d) || !f) { return d || null; }
    var o = {};
    for (var j = 0; j < f.length; j++) { o[f[j]] = d[j]; }
    return o;
  };

  Ctx.prototype.openPopup = function (it, latlng) {
    var self = this;
    if (!it || it.d < 0) { return; }
    var at = it.ll ? L.latLng(it.ll) : latlng;
    var show = function () {
      var d = self.detail(it.d);
      if (!d) { return; }
      L.popup({maxWidth: 380, minWidth: 240, maxHeight: 360, autoPanPadding: [30, 30], className: "gm-leaflet-popup"})
        .setLatLng(at).setContent(popupNode(d)).openOn(self.map);
    };
    if (this.details) { show(); } else if (this.detailsReady) { this.detailsReady.then(show); }
  };

  Ctx.prototype.order = function () {
    this._ranks = null;
    this.canvas.redraw();
  };

  Ctx.prototype.filter = function (lo, hi) {
    // show events dated lo..hi (day numbers), undated ones always
    this.range = [lo, hi];
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
    var tidy = function () { self.declutter(); };
    map.on("zoomend moveend overlayadd overlayremove", tidy);
    tidy();
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
