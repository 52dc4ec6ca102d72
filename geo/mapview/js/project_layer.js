{# Every project the map knows, each drawn once; window.__spApply shows, hides and recolours them.
   - Own points: markers clustered where they overlap, the cluster counting its projects.
   - Own lines and shapes: paths on one canvas.
   - References to an area or a 镇街: one badge per place ("西永 · 23"); hovering or choosing it
     shows the area's outline, dashed (示意 where it is a sketch); a click lists its projects.
     Badges that would cover each other at a zoom are moved apart, each on a leader line from
     its place (layoutBadges).
   - Zone- and district-level projects: counted on the zone labels and the district box; a click
     lists them.
   A click on a project, or on a name in a list, reports that project to Streamlit as a click on
   the project group (the app selects it). While editing (标绘模式) none of this takes a click,
   so a click always places the project being edited.
   Rendered by geo/mapview/scripts.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var SRC = {{ this.source }}, S = {{ this.styles }}, C = {{ this.colours }};
  var DEC = {{ this.decimals }}, ZONES = {{ this.zones }}, EDITING = {{ this.editing }};
  // The payload codes of references drawn as one badge per place: a place's point (x, y), an
  // area (r), a 镇街 (t); zone (z) and district (d) references are counted, not drawn.
  var BADGE = {{ this.badges }};
  function isBadge(code) { return BADGE.indexOf(code) >= 0; }
  L.Icon.Default.imagePath = {{ this.image_path }};

  function pane(name, z) {
    var p = map.getPane(name) || map.createPane(name);
    p.style.zIndex = z;
    if (EDITING) { p.classList.add("sp-noclick"); }
    return p;
  }
  pane("spOutline", 430); pane("spProjects", 450); pane("spMarkers", 610); pane("spZoneLabels", 615); pane("spBadges", 620);
  pane("spPending", 640);
  var css = document.createElement("style");
  css.textContent = ".sp-noclick, .sp-noclick * { pointer-events: none !important; }" +
    ".sp-pt, .sp-cluster, .sp-badge, .sp-outline-label, .sp-zone { background: none; border: none; }" +
    ".sp-leader, .sp-leader * { pointer-events: none; }" +
    // a badge's tooltip names a project and its place: wrapped, so a phone shows all of it
    ".leaflet-tooltip.sp-tip { white-space: normal; width: max-content; max-width: 220px; }" +
    ".sp-list a { color: #08519c; text-decoration: none; } .sp-list a:hover { text-decoration: underline; }";
  document.head.appendChild(css);

  var renderer = L.canvas({ pane: "spProjects", padding: 0.3 });
  var paths = L.featureGroup().addTo(map);
  var cluster = L.markerClusterGroup({
    clusterPane: "spMarkers", showCoverageOnHover: false, zoomToBoundsOnClick: false,
    spiderfyOnMaxZoom: false, maxClusterRadius: 36, animate: false, iconCreateFunction: clusterIcon
  }).addTo(map);
  var outline = L.layerGroup().addTo(map);
  var zoneLabels = L.layerGroup().addTo(map);
  var sp = { parts: [], group: paths, cluster: cluster, selected: -1, shown: 0, ready: false,
             applied: 0, clicks: 0, badges: [], chosenPlace: -1 };
  window.__sp = sp;
  var D = null, n = 0, nOwn = 0, state = "";
  var members = [], zoneCount = {}, districtList = [];

  // Leaflet's own LatLng objects, which it keeps as they are: [lat, lng] pairs would each be
  // copied into one, and the pairs thrown away (at 100 000 projects that garbage was a good
  // part of the first draw's collector time).
  function ll(a, s) {
    var out = new Array(a.length / 2), x = 0, y = 0, ox = D.o[0], oy = D.o[1];
    for (var j = 0; j < a.length; j += 2) {
      x += a[j]; y += a[j + 1]; out[j / 2] = new L.LatLng(oy + y / s, ox + x / s);
    }
    return out;
  }
  function coords(kind, g, s) {
    if (kind === "P" || kind === "L") { return ll(g, s); }
    if (kind === "A" || kind === "M" || kind === "Q") { return g.map(function (r) { return ll(r, s); }); }
    return g.map(function (p) { return p.map(function (r) { return ll(r, s); }); });
  }
  function text(t, css) {
    var el = document.createElement("div");
    el.textContent = t;
    if (css) { el.style.cssText = css; }
    return el;
  }
  function alpha(colour, a) {
    var h = Math.round(a * 255).toString(16);
    return colour + (h.length < 2 ? "0" + h : h);
  }

  // ---- own geometries -------------------------------------------------------------------------
  function pathStyle(i, c, sel) {
    var st = S[D.p[i]], colour = C[c] || C[5], line = D.k[i] === "L" || D.k[i] === "M";
    return {
      renderer: renderer, pane: "spProjects", color: sel ? "#000000" : colour,
      weight: st.weight + (line ? 2 : 0) + (sel ? 2 : 0), fillColor: colour,
      fillOpacity: st.fillOpacity, fill: !line && st.fillOpacity > 0,
      dashArray: D.s.charAt(i) === "1" ? "8 6" : st.dashArray, opacity: 0.95,
      interactive: !EDITING
    };
  }
  // Icons are shared by every marker of the same look (an icon is a recipe: each marker on the
  // map makes its own element from it), and their HTML is a string, so the thousands of markers
  // inside clusters cost no DOM until they are drawn (a span each was most of the start).
  var icons = {};
  function pointIcon(i, c, sel) {
    var look = D.p[i] + c + (sel ? "s" : "");
    if (icons[look]) { return icons[look]; }
    var st = S[D.p[i]], colour = C[c] || C[5], r = st.radius + (sel ? 3 : 0);
    var html = '<span style="display:block;box-sizing:border-box;border-radius:50%;width:' + 2 * r +
      "px;height:" + 2 * r + "px;border:" + (st.weight + (sel ? 1.5 : 0)) + "px " +
      (st.dashArray && !sel ? "dashed " : "solid ") + (sel ? "#000000" : colour) +
      ";background:" + alpha(colour, Math.max(st.fillOpacity, 0.35)) + ';"></span>';
    icons[look] = L.divIcon({ className: "sp-pt", html: html, iconSize: [2 * r, 2 * r], iconAnchor: [r, r] });
    return icons[look];
  }
  function label(i) {
    return D.n[i] + (D.s.charAt(i) === "1" ? "（示意走向）" : "");
  }
  function makeOwn(i) {
    var s = Math.pow(10, DEC[D.p[i]]), k = D.k[i], c = coords(k, D.g[i], s), lyrs;
    var feature = { type: "Feature", properties: { id: D.id[i], name: D.n[i] } };
    if (k === "P" || k === "Q") {
      lyrs = (k === "P" ? [c[0]] : c.map(function (p) { return p[0]; })).map(function (at) {
        return L.marker(at, { icon: pointIcon(i, 5, false), pane: "spMarkers", interactive: !EDITING,
                              keyboard: false });
      });
    } else if (k === "L" || k === "M") {
      lyrs = [L.polyline(c, pathStyle(i, 5, false))];
    } else {
      lyrs = [L.polygon(c, pathStyle(i, 5, false))];
    }
    lyrs.forEach(function (l) { l.feature = feature; l._spI = i; });
    return { layers: lyrs, marker: k === "P" || k === "Q", on: false, c: -1 };
  }
  // A project's tooltip is made when it is first hovered: one per layer up front was 70 000
  // tooltips and their listeners at 100 000 projects, nearly all never shown.
  function firstTip(e) {
    var l = e.layer;
    if (!l || l._spI === undefined || l.getTooltip()) { return; }
    var i = l._spI, k = D.k[i];
    l.bindTooltip(function () { return text(label(i)); }, { sticky: k !== "P" && k !== "Q" });
    l.openTooltip(e.latlng);
  }
  paths.on("mouseover", firstTip);
  cluster.on("mouseover", firstTip);

  // ---- lists: a click on a name selects that project ------------------------------------------
  function anchor(i) {
    if (i < nOwn) {
      var l = sp.parts[i].layers[0];
      return l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
    }
    var at = D.places[D.r[i - nOwn]].at;
    return L.latLng(at[1], at[0]);
  }
  function choose(i) {
    // Reported exactly like a click on the project itself (streamlit-folium listens on `paths`),
    // and told apart from the click before it as every project click is (see apart).
    var at = anchor(i), proxy = L.marker(at);
    proxy.feature = { type: "Feature", properties: { id: D.id[i], name: D.n[i] } };
    map.closePopup();
    paths.fire("click", { latlng: at, layer: proxy });
  }
  // streamlit-folium tells the page of a click only when what it returns has changed, and a
  // marker reports its own position: a second click on the same project, after a choice
  // elsewhere on the page (the 定位项目 box), changed nothing, so the page kept that choice. Every
  // click on a project (on the map, or on a name in a list) therefore reports the project's
  // position moved north by a step of its own: 1e-11° times a count that is new at each click,
  // at most 1e-6° (about 0.1 m; the page only tells clicks apart by it). The count starts at the
  // time (ms) the map was built, so a map the page builds anew does not repeat the steps of the
  // map before it. Listening on the groups before streamlit-folium does (its listener is added
  // once this script has run, and again after every state change), so it reads the moved
  // position; a map that nobody clicked reports nothing, as before.
  var STEPS = 1e5, firstStep = Date.now() % STEPS;
  function apart(e) {
    if (!e.layer || !e.layer.feature || !e.latlng) { return; }
    sp.clicks += 1;
    e.latlng = L.latLng(e.latlng.lat + ((firstStep + sp.clicks) % STEPS) * 1e-11, e.latlng.lng);
  }
  paths.on("click", apart);
  cluster.on("click", apart);
  function listPopup(at, title, items) {
    var box = document.createElement("div");
    box.className = "sp-list";
    box.appendChild(text(title, "font-weight:bold;margin-bottom:4px;"));
    var ul = document.createElement("ul");
    ul.style.cssText = "max-height:220px;overflow:auto;margin:0;padding-left:18px;";
    items.forEach(function (i) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#"; a.textContent = D.n[i]; a.setAttribute("data-sp-id", D.id[i]);
      L.DomEvent.on(a, "click", function (e) { L.DomEvent.stop(e); if (!EDITING) { choose(i); } });
      li.appendChild(a); ul.appendChild(li);
    });
    box.appendChild(ul);
    if (!EDITING) { box.appendChild(text("点击名称查看详情", "color:#666;font-size:11px;margin-top:4px;")); }
    L.DomEvent.disableScrollPropagation(box);
    if (window.__spFoldLegend) { window.__spFoldLegend(); }  // on a phone, the list before the legend
    var room = clearOfControls(), wide = map.getSize().x - room.tl.x - room.br.x - 48;
    return L.popup({ maxWidth: Math.max(150, Math.min(320, wide)), minWidth: Math.min(180, Math.max(150, wide)),
                     autoPanPaddingTopLeft: room.tl, autoPanPaddingBottomRight: room.br })
      .setLatLng(at).setContent(box).openOn(map);
  }
  // Leaflet draws its controls (zoom, layers, the district box, the legend or its button)
  // above popups: a list opened beneath them lost its title, its first names and its close
  // button (on a phone's narrow map, always). The list is kept clear of each control, beside
  // it or below/above it, whichever costs the smaller share of the map (beside the zoom
  // column and the desktop legend, below the district box, above the phone's 图例 button and
  // the scale bar); the map pans so when the list opens.
  function clearOfControls() {
    var box = map.getContainer().getBoundingClientRect(), tl = L.point(8, 8), br = L.point(8, 8);
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
      var r = c.getBoundingClientRect(), corner = c.parentNode.className;
      if (!r.width || !r.height) { return; }
      var top = corner.indexOf("leaflet-top") >= 0, left = corner.indexOf("leaflet-left") >= 0;
      if (r.width / box.width < r.height / box.height) {
        if (left) { tl.x = Math.max(tl.x, r.right - box.left + 6); }
        else { br.x = Math.max(br.x, box.right - r.left + 6); }
      } else if (top) { tl.y = Math.max(tl.y, r.bottom - box.top + 6); }
      else { br.y = Math.max(br.y, box.bottom - r.top + 6); }
    });
    return { tl: tl, br: br };
  }
  function distinct(markers) {
    // A badge stands for all its projects; a multi-point project's parts count once.
    var seen = {}, out = [];
    markers.forEach(function (m) {
      (m._spPlace !== undefined ? members[m._spPlace] : [m._spI]).forEach(function (i) {
        if (!seen[i]) { seen[i] = 1; out.push(i); }
      });
    });
    return out;
  }
  function clusterIcon(cl) {
    var k = distinct(cl.getAllChildMarkers()).length;
    var el = text(String(k), "width:30px;height:30px;line-height:30px;border-radius:50%;" +
      "text-align:center;font-weight:bold;font-size:13px;color:#fff;background:rgba(8,81,156,0.85);" +
      "border:2px solid #fff;box-shadow:0 0 3px #333;");
    return L.divIcon({ className: "sp-cluster", html: el, iconSize: [30, 30] });
  }
  cluster.on("clusterclick", function (e) {
    var items = distinct(e.layer.getAllChildMarkers());
    listPopup(e.layer.getLatLng(), "此处 " + items.length + " 个项目", items);
  });

  // ---- references: badges, outlines, zone labels, the district box ----------------------------
  function showOutline(pi) {
    outline.clearLayers();
    var pl = D.places[pi];
    if (!pl || !pl.o) { return; }
    var c = coords(pl.o.k, pl.o.g, 1e4), st = { pane: "spOutline", color: "#08519c", weight: 2,
      dashArray: "6 5", fill: pl.o.k === "A" || pl.o.k === "N", fillOpacity: 0.06, interactive: false };
    var shape = (pl.o.k === "L" || pl.o.k === "M") ? L.polyline(c, st) : L.polygon(c, st);
    outline.addLayer(shape);
    if (pl.s) {
      var b = shape.getBounds();
      outline.addLayer(L.marker([b.getNorth(), b.getCenter().lng], {
        pane: "spOutline", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "sp-outline-label", iconSize: null, html: text(pl.n + "（示意范围，非测绘边界）",
          "white-space:nowrap;font-size:11px;color:#08519c;transform:translate(-50%,-120%);" +
          "text-shadow:0 0 3px #fff,0 0 3px #fff;") })
      }));
    }
  }
  // A badge is a label beside its place: the marker's own element is empty (0 × 0 at the place,
  // so it covers nothing), and holds the label and, when the label is moved off the place to
  // keep it clear of another (see layoutBadges), a leader line from a dot at the place to it.
  // A badge's border and its tooltip's words by what the place is: a point (solid: the
  // projects are there, to the point's precision), an area (dashed), a 镇街 (dotted).
  var BORDER = { x: "solid", y: "solid", r: "dashed", t: "dotted" };
  var WHERE = { x: "在此（100 米内）", y: "在此附近（约 1 公里内）", r: "只知在此处", t: "只知在此镇街" };
  function paintBadge(b, count, sel) {
    var pl = D.places[b._spPlace];
    b._spLabel.textContent = pl.n + " · " + count;
    b._spLabel.style.border = sel ? "3px solid #000" :
      "1.5px " + BORDER[pl.p] + " #08519c";
  }
  function makeBadge(pi) {
    var pl = D.places[pi], holder = document.createElement("div");
    var label = text("", "position:absolute;left:0;top:0;white-space:nowrap;font-size:12px;" +
      "line-height:18px;padding:1px 6px;border-radius:10px;background:#fff;color:#08306b;" +
      "transform:translate(-50%,-50%);box-shadow:0 0 3px #888;cursor:pointer;");
    label.className = "sp-badge-label";
    // the leader: a line (a thin bar turned towards the label) and, over it, the place's dot
    var leader = text("", "position:absolute;left:0;top:0;display:none;");
    var line = text("", "position:absolute;left:0;top:-0.75px;height:1.5px;background:#08519c;" +
      "transform-origin:0 50%;");
    leader.className = "sp-leader";
    leader.appendChild(line);
    leader.appendChild(text("", "position:absolute;left:-4.5px;top:-4.5px;width:6px;height:6px;" +
      "border-radius:50%;background:#08519c;border:1.5px solid #fff;"));
    holder.appendChild(leader); holder.appendChild(label);
    var b = L.marker([pl.at[1], pl.at[0]], { pane: "spMarkers", interactive: !EDITING, keyboard: false,
      icon: L.divIcon({ className: "sp-badge", html: holder, iconSize: [0, 0] }) });
    b._spPlace = pi; b._spN = -1; b._spSel = false; b._spOn = false;
    b._spLabel = label; b._spLine = line; b._spLeader = leader; b._spDx = 0; b._spDy = 0;
    paintBadge(b, 0, false);
    b.bindTooltip(function () {
      var m = members[pi] || [], sketch = pl.s ? "（范围为示意）" : "";
      // at a place's point, a project known only to the area around it (三峡广场商圈…) makes
      // the words those of an area
      var loose = m.some(function (j) { return D.p[j] === "r" || D.p[j] === "t"; });
      var where = WHERE[loose && pl.p !== "t" ? "r" : pl.p];
      // one project: its own name, as a marker's tooltip gives it
      if (m.length === 1) { return text(D.n[m[0]] + "：" + pl.n + "，" + where + sketch); }
      return text(pl.n + "：" + m.length + " 个项目" + where + sketch);
    }, { direction: "top", offset: [0, -BADGE_H / 2], className: "sp-tip" });
    b.on("tooltipopen", function (e) { keepInMap(e.tooltip.getElement()); });
    b.on("mouseover", function () { showOutline(pi); });
    b.on("mouseout", function () { if (sp.chosenPlace !== pi) { keepChosenOutline(); } });
    b.on("click", function () {
      sp.chosenPlace = pi; showOutline(pi);
      // One project: its details at once, reported once this click has run its course (it
      // bubbles on to the cluster group, whose report would otherwise come last).
      if (members[pi].length === 1) {
        var only = members[pi][0];
        setTimeout(function () { choose(only); }, 0);
        return;
      }
      listPopup(b.getLatLng(), pl.n + " · " + members[pi].length + " 个项目", members[pi]);
    });
    return b;
  }
  // A tooltip centred over a badge near the map's side ran off it (a phone showed half of
  // 「“重庆1949”剧院：烈士墓站…」): moved sideways, whole, into the map.
  function keepInMap(el) {
    el.style.marginLeft = "0px";
    var r = el.getBoundingClientRect(), box = map.getContainer().getBoundingClientRect(), dx = 0;
    if (r.left < box.left + 4) { dx = box.left + 4 - r.left; }
    else if (r.right > box.right - 4) { dx = box.right - 4 - r.right; }
    el.style.marginLeft = dx + "px";
  }
  // Moves badge b's label (dx, dy) px from its place, with the leader line when moved.
  function placeBadge(b, dx, dy) {
    if (b._spDx === dx && b._spDy === dy) { return; }
    b._spDx = dx; b._spDy = dy;
    b._spLabel.style.left = dx + "px"; b._spLabel.style.top = dy + "px";
    b._spLeader.style.display = dx || dy ? "" : "none";
    b._spLine.style.width = Math.sqrt(dx * dx + dy * dy) + "px";
    b._spLine.style.transform = "rotate(" + Math.atan2(dy, dx) + "rad)";
    var tip = b.getTooltip();
    tip.options.offset = L.point(dx, dy - BADGE_H / 2);
    if (tip.isOpen()) { tip.update(); }
  }

  // ---- badges kept apart on screen --------------------------------------------------------------
  // At a given zoom two places' badges may fall on each other (青木关镇 over 青凤高科产业园 at the
  // opening view), so one could be neither read nor clicked. On each zoom, and when the filters
  // change what the badges say, each badge shown on its own (not inside a cluster) takes the
  // nearest position, of a few around its place, where its label covers no other badge's label,
  // no other place's dot, no zone label, cluster, marker or control, and stays in view; the
  // badges standing for more projects are placed first. A moved label is tied to its place by a
  // line from a dot there. Positions are in the zoom's pixel plane, so a pan moves no label. The
  // cost is per badge (a few hundred places at most) and the clusters and markers near each,
  // found in markercluster's own grid for that zoom: nothing is done per project.
  var BADGE_H = 26, GAP = 2, DOT = 5;  // a label's height with its thickest border; the dot's half size
  var ruler = document.createElement("canvas").getContext("2d"), family = "";
  // The width of `t` in `font` (size and weight) of the map's own family, as the labels are drawn:
  // measured off screen, so the same whatever the page has laid out yet. The family is read on
  // each layout (layoutBadges), as Leaflet's style sheet may still be loading at the first.
  function textWidth(t, font) {
    ruler.font = font + " " + family;
    return Math.ceil(ruler.measureText(t).width);
  }
  function badgeWidth(b) { return textWidth(b._spLabel.textContent, "12px") + 12 + 6; }
  function rectAt(x, y, w, h) { return [x - w / 2, y - h / 2, x + w / 2, y + h / 2]; }
  function hits(a, c) { return a[0] < c[2] && c[0] < a[2] && a[1] < c[3] && c[1] < a[3]; }
  // The area (px²) rectangles a and c share.
  function shared(a, c) {
    var w = Math.min(a[2], c[2]) - Math.max(a[0], c[0]), h = Math.min(a[3], c[3]) - Math.max(a[1], c[1]);
    return w > 0 && h > 0 ? w * h : 0;
  }
  // Does the segment from (x0, y0) to (x1, y1) pass through rectangle r (Liang–Barsky)?
  function crosses(x0, y0, x1, y1, r) {
    var t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
    var p = [-dx, dx, -dy, dy], q = [x0 - r[0], r[2] - x0, y0 - r[1], r[3] - y0];
    for (var k = 0; k < 4; k++) {
      if (p[k] === 0) { if (q[k] < 0) { return false; } continue; }
      var t = q[k] / p[k];
      if (p[k] < 0) { if (t > t1) { return false; } if (t > t0) { t0 = t; } }
      else { if (t < t0) { return false; } if (t < t1) { t1 = t; } }
    }
    return true;
  }
  // Do the segments a-b and c-d cross (points as [x, y])?
  function cut(a, b, c, d) {
    function side(p, q, r) { return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]); }
    return side(a, b, c) * side(a, b, d) < 0 && side(c, d, a) * side(c, d, b) < 0;
  }
  // Where a label may go, nearest first: on its place, above or below it, beside it (up to half
  // a label farther out: a place at the map's edge beside the legend had no spot clear of its
  // 收起图例 button nearer than that).
  function spots(w) {
    var out = [[0, 0]], step = BADGE_H + GAP, side = [w / 2 + 12, w + 16, 1.5 * w + 20];
    for (var k = 1; k <= 4; k++) { out.push([0, -k * step], [0, k * step]); }
    side.forEach(function (dx) {
      [0, -1, 1, -2, 2].forEach(function (k) { out.push([dx, k * step], [-dx, k * step]); });
    });
    out.forEach(function (s) { s[0] = Math.round(s[0]); s.d = Math.sqrt(s[0] * s[0] + s[1] * s[1]); });
    return out.sort(function (a, c) { return a.d - c.d; });
  }
  // When the best of spots() is still under a control: just outside each block of controls (a
  // corner's controls together: the legend and its button) that the label would touch on its
  // place, level with the place or in line with it.
  // A place under the open legend had no spot above clear of it (石井坡街道 at zoom 13): its
  // label stands beside the legend, its leader line running under the legend to the place.
  function escapes(t, blocks) {
    var own = rectAt(t.x, t.y, t.w + 2 * GAP, BADGE_H + 2 * GAP), out = [], step = BADGE_H + GAP;
    blocks.forEach(function (u) {
      if (!hits(own, u)) { return; }
      var left = u[0] - GAP - t.w / 2, right = u[2] + GAP + t.w / 2;
      var up = u[1] - GAP - BADGE_H / 2, down = u[3] + GAP + BADGE_H / 2;
      [0, -1, 1, -2, 2].forEach(function (k) {
        out.push([left, t.y + k * step], [right, t.y + k * step]);
      });
      [0, -1, 1].forEach(function (k) {
        out.push([t.x + k * (t.w + GAP), up], [t.x + k * (t.w + GAP), down]);
      });
    });
    return out.map(function (p) {
      var s = [Math.round(p[0] - t.x), Math.round(p[1] - t.y)];
      s.d = Math.sqrt(s[0] * s[0] + s[1] * s[1]);
      return s;
    });
  }
  // Clusters and markers other than badges within rectangle r at zoom z, as rectangles.
  function marksNear(r, z) {
    var out = [];
    [cluster._gridClusters, cluster._gridUnclustered].forEach(function (grids) {
      var g = grids && grids[z];
      if (!g) { return; }
      var c = g._cellSize;  // a cluster is drawn within one cell of where the grid keeps it
      for (var y = Math.floor(r[1] / c) - 1; y <= Math.floor(r[3] / c) + 1; y++) {
        var row = g._grid[y];
        if (!row) { continue; }
        for (var x = Math.floor(r[0] / c) - 1; x <= Math.floor(r[2] / c) + 1; x++) {
          (row[x] || []).forEach(function (m) {
            if (m._spPlace !== undefined) { return; }
            var p = map.project(m.getLatLng(), z), s = m.getChildCount ? [34, 34] :
              (m.options.icon && m.options.icon.options.iconSize) || [12, 12];
            var mr = rectAt(p.x, p.y, s[0], s[1]);
            if (hits(mr, r)) { out.push(mr); }
          });
        }
      }
    });
    return out;
  }
  // What a label at a spot costs: its distance from its place (px), and a penalty for each thing
  // it would cover. Another badge's label or dot is never to be covered (when it must be, the
  // least); the rest weighs by the area covered, so a graze costs little.
  var PENALTY = { label: 1e6, dot: 1e5, leader: 1e4, zoneLeader: 5e3, markLeader: 1e3, zone: 50,
                  control: 50, outside: 50, mark: 20 };
  function layoutBadges() {
    if (!D || !sp.ready) { return; }
    var z = map.getZoom(), todo = [], zones = [];
    family = getComputedStyle(map.getContainer()).fontFamily;
    sp.badges.forEach(function (b) {
      // shown on its own at this zoom: deeper than the deepest cluster that holds it
      if (b._spOn && b.__parent && b.__parent._zoom < z) {
        var p = map.project(b.getLatLng(), z);
        todo.push({ b: b, x: p.x, y: p.y, w: badgeWidth(b), k: members[b._spPlace].length,
                    dot: rectAt(p.x, p.y, 2 * DOT, 2 * DOT) });
      } else { placeBadge(b, 0, 0); }
    });
    todo.sort(function (a, c) { return c.k - a.k || a.b._spPlace - c.b._spPlace; });
    // The view and the controls drawn over it (zoom buttons, legend, the district box), where a
    // label is neither read nor clicked: as when this zoom began (a pan moves no label).
    var view = map.getPixelBounds(), o = view.min, inView = [o.x, o.y, view.max.x, view.max.y];
    var frame = map.getContainer().getBoundingClientRect(), controls = [], blocks = [], corners = [];
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
      var cr = c.getBoundingClientRect();
      if (cr.width && cr.height) {
        var r = [cr.left - frame.left + o.x, cr.top - frame.top + o.y,
                 cr.right - frame.left + o.x, cr.bottom - frame.top + o.y];
        var k = corners.indexOf(c.parentNode), u = blocks[k];
        controls.push(r);
        if (k < 0) { corners.push(c.parentNode); blocks.push(r.slice()); return; }
        blocks[k] = [Math.min(u[0], r[0]), Math.min(u[1], r[1]), Math.max(u[2], r[2]), Math.max(u[3], r[3])];
      }
    });
    zoneLabels.eachLayer(function (m) {
      // its name (bold 14 px, 21 px lines) over its count's lines (12 px, 18 px lines), centred
      // on its point; the text's own height, without the lines' spacing
      var p = map.project(m.getLatLng(), z), lines = m._spCount.textContent, own = [];
      lines = lines ? lines.split("\n") : [];
      var top = p.y - (21 + 18 * lines.length) / 2;
      own.push(rectAt(p.x, top + 10.5, textWidth(m._spZone.name, "bold 14px"), 15));
      lines.forEach(function (line, k) {
        own.push(rectAt(p.x, top + 21 + 18 * k + 9, textWidth(line, "12px"), 13));
      });
      // A control on a line of it (on a phone, the zoom buttons' 「−」 on 中部“两山”生态屏障; the
      // legend a phone's user opened over 东部人文母城), or the map's edge cutting it (zoomed in
      // at 1600 px, 东部's count ran off the right edge): the label takes the smallest move,
      // past the controls' edges (a few px clear) and back inside the map, after which no
      // control covers it; a label wholly out of view stays where it is.
      var box = own.reduce(function (u, r) {
        return [Math.min(u[0], r[0]), Math.min(u[1], r[1]), Math.max(u[2], r[2]), Math.max(u[3], r[3])];
      });
      // (nor another zone's label: a label moved over the next one's hid both)
      var blockers = controls.concat(zones), dxs = [0], dys = [0];
      blockers.forEach(function (cr) {
        dxs.push(cr[0] - 3 - box[2], cr[2] + 3 - box[0]);
        dys.push(cr[1] - 3 - box[3], cr[3] + 3 - box[1]);
      });
      function inside(d, lo, hi, a, b) {  // d moved so [a, b] lies in [lo, hi], where it fits
        if (b - a > hi - lo) { return d; }
        return Math.min(Math.max(d, lo - a), hi - b);
      }
      var seenZone = hits(box, inView);
      var dx = 0, dy = 0, best = Infinity;
      dxs.forEach(function (mx) {
        dys.forEach(function (my) {
          if (seenZone) {
            mx = inside(mx, inView[0] + 4, inView[2] - 4, box[0], box[2]);
            my = inside(my, inView[1] + 4, inView[3] - 4, box[1], box[3]);
          }
          var cost = Math.abs(mx) + Math.abs(my);
          if (cost >= best) { return; }
          var clear = own.every(function (r) {
            var a = [r[0] + mx - 3, r[1] + my - 3, r[2] + mx + 3, r[3] + my + 3];
            return !blockers.some(function (cr) { return hits(a, cr); });
          });
          if (clear) { dx = mx; dy = my; best = cost; }
        });
      });
      if (best === Infinity && seenZone) {  // covered wherever it goes: at least in the map
        dx = inside(0, inView[0] + 4, inView[2] - 4, box[0], box[2]);
        dy = inside(0, inView[1] + 4, inView[3] - 4, box[1], box[3]);
      }
      var el = m._spCount.parentNode;
      el.style.position = "relative"; el.style.top = dy + "px"; el.style.left = dx + "px";
      own.forEach(function (r) { zones.push([r[0] + dx, r[1] + dy, r[2] + dx, r[3] + dy]); });
    });
    var placed = [];
    todo.forEach(function (t) {
      var seen = shared(t.dot, inView) > 0;  // a place in view keeps its label in view
      // The nearest cheapest of `cands` (sorted by distance), with the marks near them.
      function cheapest(cands, marks) {
        var best = null, bestCost = Infinity;
        for (var ci = 0; ci < cands.length; ci++) {
          var dx = cands[ci][0], dy = cands[ci][1], moved = dx !== 0 || dy !== 0;
          var x1 = t.x + dx, y1 = t.y + dy, pen = 0;
          // r: the label; apart: the label with the gap kept between two badges
          var r = rectAt(x1, y1, t.w, BADGE_H), apart = [r[0] - GAP, r[1] - GAP, r[2] + GAP, r[3] + GAP];
          placed.forEach(function (q) {
            if (hits(apart, q.r)) { pen += PENALTY.label; }
            if ((moved && crosses(t.x, t.y, x1, y1, q.r)) ||
                (q.moved && crosses(q.x, q.y, q.x + q.dx, q.y + q.dy, r)) ||
                (moved && q.moved && cut([t.x, t.y], [x1, y1], [q.x, q.y], [q.x + q.dx, q.y + q.dy]))) {
              pen += PENALTY.leader;
            }
          });
          todo.forEach(function (other) { if (other !== t && hits(apart, other.dot)) { pen += PENALTY.dot; } });
          zones.forEach(function (zr) {
            pen += PENALTY.zone * shared(r, zr);
            if (moved && crosses(t.x, t.y, x1, y1, zr)) { pen += PENALTY.zoneLeader; }
          });
          marks.forEach(function (mr) {
            pen += PENALTY.mark * shared(r, mr);
            if (moved && crosses(t.x, t.y, x1, y1, mr)) { pen += PENALTY.markLeader; }
          });
          controls.forEach(function (cr) { pen += PENALTY.control * shared(r, cr); });
          if (seen) { pen += PENALTY.outside * (t.w * BADGE_H - shared(r, inView)); }
          if (cands[ci].d + pen < bestCost) { best = cands[ci]; bestCost = cands[ci].d + pen; }
          if (!pen) { break; }  // clear of everything: no farther spot is better
        }
        return { s: best, cost: bestCost };
      }
      var reach = rectAt(t.x, t.y, 3 * t.w + 40, 9 * (BADGE_H + GAP));
      var pick = cheapest(spots(t.w), marksNear(reach, z));
      var under = rectAt(t.x + pick.s[0], t.y + pick.s[1], t.w, BADGE_H);
      // Still under a control: the spots beside the corner's controls (a long leader line, so
      // only then), with the marks near them.
      if (controls.some(function (cr) { return shared(under, cr) > 0; })) {
        var out = escapes(t, blocks).sort(function (a, c) { return a.d - c.d; }), far = reach;
        out.forEach(function (s) {
          far = [Math.min(far[0], t.x + s[0] - t.w), Math.min(far[1], t.y + s[1] - BADGE_H),
                 Math.max(far[2], t.x + s[0] + t.w), Math.max(far[3], t.y + s[1] + BADGE_H)];
        });
        var escape = out.length ? cheapest(out, marksNear(far, z)) : pick;
        if (escape.cost < pick.cost) { pick = escape; }
      }
      var best = pick.s;
      placed.push({ r: rectAt(t.x + best[0], t.y + best[1], t.w, BADGE_H), x: t.x, y: t.y,
                    dx: best[0], dy: best[1], moved: best[0] !== 0 || best[1] !== 0 });
      placeBadge(t.b, best[0], best[1]);
    });
  }
  map.on("zoomend resize", layoutBadges);
  // And when the controls change size: the legend opened or folded, the district box's text,
  // the style sheets loaded (until then the controls are blocks across the map, and the page's
  // fonts are not the map's), once per frame at most.
  var soon = false;
  function layoutSoon() {
    if (soon) { return; }
    soon = true;
    L.Util.requestAnimFrame(function () { soon = false; layoutBadges(); });
  }
  if (window.ResizeObserver) {
    var watch = new ResizeObserver(layoutSoon);
    map.getContainer().querySelectorAll(".leaflet-control-container > div").forEach(function (corner) {
      watch.observe(corner);
    });
  }
  function keepChosenOutline() {
    if (sp.chosenPlace >= 0) { showOutline(sp.chosenPlace); } else { outline.clearLayers(); }
  }
  map.on("popupclose", function () { sp.chosenPlace = selectedPlace(); keepChosenOutline(); });
  function selectedPlace() {
    return sp.selected >= nOwn ? D.r[sp.selected - nOwn] : -1;
  }
  function zoneLabel(z) {
    var el = document.createElement("div");
    el.style.cssText = "transform:translate(-50%,-50%);text-align:center;white-space:nowrap;" +
      "text-shadow:0 0 3px #fff,0 0 3px #fff;";
    el.appendChild(text(z.name, "font-weight:bold;font-size:14px;color:#333;"));
    var count = text("", "font-size:12px;color:#08519c;cursor:pointer;pointer-events:auto;");
    count.className = "sp-zone-count";
    el.appendChild(count);
    var m = L.marker([z.at[1], z.at[0]], { pane: "spZoneLabels", keyboard: false, interactive: false,
      icon: L.divIcon({ className: "sp-zone", html: el, iconSize: null }) });
    m._spZone = z; m._spCount = count;
    L.DomEvent.on(count, "click", function (e) {
      L.DomEvent.stop(e);
      var items = zoneCount[z.id] || [];
      if (items.length && !EDITING) { listPopup(m.getLatLng(), z.name + "：仅知在此片区的项目", items); }
    });
    return m;
  }
  function chosenFrame(el, on, pad) {
    var base = el._spBase || (el._spBase = { background: el.style.background,
      padding: el.style.padding, borderRadius: el.style.borderRadius });
    el.style.border = on ? "3px solid #000000" : "";
    el.style.borderRadius = on ? "10px" : base.borderRadius;
    el.style.background = on ? "#ffffff" : base.background;
    el.style.padding = on ? pad : base.padding;
    el.style.fontWeight = on ? "bold" : "";
  }
  var districtBox = L.control({ position: "topright" });
  districtBox.onAdd = function () {
    var el = L.DomUtil.create("div", "sp-district");
    el.style.cssText = "background:rgba(255,255,255,0.92);padding:4px 8px;border-radius:4px;" +
      "box-shadow:0 0 4px #999;font-size:12px;color:#08519c;cursor:pointer;";
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.on(el, "click", function () {
      if (districtList.length && !EDITING) {
        listPopup(map.getCenter(), "仅知在沙坪坝区内的项目（不画在图上）", districtList);
      }
    });
    sp.districtEl = el;
    return el;
  };

  // ---- the filter state ------------------------------------------------------------------------
  function apply(st, selected) {
    var shown = 0, add = [], remove = [], prevSel = sp.selected;
    state = st;
    for (var i = 0; i < nOwn; i++) {
      var c = st.charCodeAt(i) - 48, part = sp.parts[i], isSel = i === selected;
      if (c < 0) {
        if (part.on) {
          if (part.marker) { remove.push.apply(remove, part.layers); }
          else { part.layers.forEach(function (l) { paths.removeLayer(l); }); }
          part.on = false;
        }
        continue;
      }
      if (part.c !== c || isSel || i === prevSel) {
        part.layers.forEach(function (l) {
          if (part.marker) { l.setIcon(pointIcon(i, c, isSel)); l.setZIndexOffset(isSel ? 1000 : 0); }
          else { l.setStyle(pathStyle(i, c, isSel)); }
        });
        part.c = c;
      }
      if (!part.on) {
        if (part.marker) { add.push.apply(add, part.layers); }
        else { part.layers.forEach(function (l) { paths.addLayer(l); if (D.k[i] === "A" || D.k[i] === "N") { l.bringToBack(); } }); }
        part.on = true;
      }
      shown++;
    }
    if (remove.length) { cluster.removeLayers(remove); }
    if (add.length) { cluster.addLayers(add); }
    members = D.places.map(function () { return []; });
    zoneCount = {}; districtList = [];
    for (var j = nOwn; j < n; j++) {
      if (st.charCodeAt(j) - 48 < 0) { continue; }
      var pi = D.r[j - nOwn], code = D.p[j];
      if (isBadge(code)) { members[pi].push(j); shown++; }
      else if (code === "z") { (zoneCount[D.places[pi].id] = zoneCount[D.places[pi].id] || []).push(j); }
      else { districtList.push(j); }
    }
    sp.selected = selected;
    var selPlace = selectedPlace();
    add = []; remove = [];
    var recount = [];  // badges on the map whose count changed: their clusters count again
    sp.badges.forEach(function (b) {
      var pi = b._spPlace, k = members[pi].length, sel = pi === selPlace;
      if (k !== b._spN && k && b._spOn) { recount.push(b); }
      if (k !== b._spN || sel !== b._spSel) { paintBadge(b, k, sel); b._spN = k; b._spSel = sel; }
      if (k && !b._spOn) { add.push(b); b._spOn = true; }
      if (!k && b._spOn) { remove.push(b); b._spOn = false; }
    });
    if (remove.length) { cluster.removeLayers(remove); }
    if (add.length) { cluster.addLayers(add); }
    // Markers added or removed update their clusters themselves; refreshing every cluster
    // instead walked all of them (about 0.1 s at 60 000 markers).
    if (recount.length) { cluster.refreshClusters(recount); }
    // A chosen project known only by its zone, or only as in the district, is drawn nowhere:
    // its zone's count, or the district box, says it holds it, framed as a chosen badge is.
    var selZone = null, selDistrict = false;
    if (selected >= nOwn && (st.charCodeAt(selected) - 48) >= 0) {
      var code = D.p[selected];
      if (code === "z") { selZone = D.places[D.r[selected - nOwn]].id; }
      else if (!isBadge(code)) { selDistrict = true; }
    }
    zoneLabels.eachLayer(function (m) {
      var k = (zoneCount[m._spZone.id] || []).length, mine = k > 0 && m._spZone.id === selZone;
      // on a line of its own: a label near the map's edge must not grow wider
      m._spCount.textContent = k ? k + " 个项目仅知在此片区" + (mine ? "\n（含所选项目）" : "") : "";
      m._spCount.style.whiteSpace = "pre";
      chosenFrame(m._spCount, mine, "1px 4px");
    });
    if (sp.districtEl) {
      var k = districtList.length;
      sp.districtEl.textContent = "仅知在区内：" + k + " 个项目" +
        (k ? (selDistrict ? "（含所选项目，点击查看）" : "（点击查看）") : "");
      chosenFrame(sp.districtEl, selDistrict, "4px 8px");
    }
    layoutBadges();  // what the badges say, and which are on the map, may have changed
    sp.chosenPlace = selPlace;
    keepChosenOutline();
    // A map's first state keeps the view it opened with (a shared link's `v`, or where the user
    // was before the map was rebuilt); a project chosen later, or by a link without a view, is
    // brought into view (view.js tells whether the view was the link's).
    if (selected >= 0 && selected !== prevSel) {
      reveal(selected, sp.applied > 0 || window.__spViewFromLink === false);
    }
    sp.shown = shown; sp.applied += 1;
  }
  // The zoom a chosen project's cluster is opened at when its markers stay together deeper than
  // that (co-located points never come apart, even at the map's maximum zoom).
  var REVEAL_ZOOM = 17;
  function markerOf(i) {
    if (i < nOwn) { return sp.parts[i].marker ? sp.parts[i].layers[0] : null; }
    var pi = D.r[i - nOwn];
    for (var k = 0; k < sp.badges.length; k++) { if (sp.badges[k]._spPlace === pi) { return sp.badges[k]; } }
    return null;
  }
  // Show project i: panned into view, and when its marker is inside a cluster, zoomed to where
  // it stands alone (the zoom after its deepest cluster's, markercluster's `__parent._zoom`), or
  // to REVEAL_ZOOM with that cluster spread out (spiderfied) when it stays clustered there.
  // Done here rather than by markercluster's zoomToShowLayer, which waits for a zoom step that
  // never comes when the cluster is already at the map's maximum zoom.
  function reveal(i, zoomIn) {
    var at = anchor(i), m = markerOf(i);
    var clustered = zoomIn && m && cluster.hasLayer(m) && cluster.getVisibleParent(m) !== m;
    if (!clustered) {
      if (!map.getBounds().contains(at)) { map.panTo(at); }
      return;
    }
    at = m.getLatLng();
    var apart = m.__parent ? m.__parent._zoom + 1 : map.getZoom();
    var z = Math.max(map.getZoom(), Math.min(apart, REVEAL_ZOOM, map.getMaxZoom()));
    map.setView(at, z, { animate: false });
    var parent = cluster.getVisibleParent(m);
    if (parent && parent !== m && parent.spiderfy) { parent.spiderfy(); }
  }
  // How many projects are on the map now, counted from the layers themselves: each own
  // geometry once (however many parts), each badge as the projects it stands for.
  sp.drawnCount = function () {
    var k = 0;
    sp.parts.forEach(function (part) {
      var l = part.layers[0];
      if (part.marker ? cluster.hasLayer(l) : paths.hasLayer(l)) { k++; }
    });
    sp.badges.forEach(function (b) { if (cluster.hasLayer(b)) { k += members[b._spPlace].length; } });
    return k;
  };
  // Where project `id` is on screen (container pixels): its marker, the middle of its line,
  // the centre of its shape, or its badge's label (moved off its place when it would cover
  // another). For tests and for people scripting the map.
  sp.screenPoint = function (id) {
    var i = D.id.indexOf(id);
    if (i < 0) { return null; }
    var at;
    if (i >= nOwn) {
      var m = markerOf(i), c = map.latLngToContainerPoint(anchor(i));
      return { x: c.x + (m ? m._spDx : 0), y: c.y + (m ? m._spDy : 0) };
    }
    var l = sp.parts[i].layers[0];
    if (l.getLatLng) { at = l.getLatLng(); }
    else if (D.k[i] === "L" || D.k[i] === "M") {
      // the middle of the first segment (a place's badge may sit at the middle of the line)
      var pts = D.k[i] === "L" ? l.getLatLngs() : l.getLatLngs()[0];
      var a = pts[0], b = pts[1] || a;
      at = L.latLng((a.lat + b.lat) / 2, (a.lng + b.lng) / 2);
    } else { at = l.getCenter(); }
    var p = map.latLngToContainerPoint(at);
    return { x: p.x, y: p.y };
  };
  sp.index = function (id) { return D.id.indexOf(id); };
  // Where project `id` is (lat, lng): its first part, or its place's badge.
  sp.anchorOf = function (id) {
    var i = D.id.indexOf(id);
    if (i < 0) { return null; }
    var at = anchor(i);
    return [at.lat, at.lng];
  };
  // What the map shows for project `id`: on the map or not, the status index and colour it is
  // drawn in, and whether it is the selected one.
  sp.projectStyle = function (id) {
    var i = D.id.indexOf(id);
    if (i < 0) { return null; }
    var c = state.charCodeAt(i) - 48, on;
    if (i < nOwn) { on = sp.parts[i].on; c = sp.parts[i].c; }
    else { on = c >= 0 && isBadge(D.p[i]); }
    return { on: on, status: c, fill: C[c] || null, selected: sp.selected === i };
  };

  // ---- 标绘模式: where staff clicked, marked until the placement is saved or cancelled ---------
  // Marked at once on the click; the page then confirms it (or, after a save or cancel, removes
  // it) with each state it sends.
  var PENDING_ICON = L.divIcon({ className: "sp-pending", iconSize: [30, 30], iconAnchor: [15, 15],
    html: '<svg width="30" height="30" viewBox="0 0 30 30" style="display:block">' +
      '<g fill="none" stroke="#fff" stroke-width="5"><circle cx="15" cy="15" r="8"/>' +
      '<path d="M15 1v8M15 21v8M1 15h8M21 15h8"/></g>' +
      '<g fill="none" stroke="#d4006a" stroke-width="2.5"><circle cx="15" cy="15" r="8"/>' +
      '<path d="M15 1v8M15 21v8M1 15h8M21 15h8"/></g>' +
      '<circle cx="15" cy="15" r="2" fill="#d4006a"/></svg>' });
  var pendingMark = null;
  function markPending(at) {
    if (!at) {
      if (pendingMark) { map.removeLayer(pendingMark); pendingMark = null; }
      return;
    }
    if (!pendingMark) {
      pendingMark = L.marker(at, { pane: "spPending", icon: PENDING_ICON, interactive: false,
                                   keyboard: false }).addTo(map);
      pendingMark.bindTooltip("标绘位置（未保存）", { permanent: true, direction: "top",
        offset: [0, -14], className: "sp-pending-label" });
    } else { pendingMark.setLatLng(at); }
  }
  if (EDITING) { map.on("click", function (e) { markPending(e.latlng); }); }
  sp.pendingAt = function () {
    if (!pendingMark) { return null; }
    var at = pendingMark.getLatLng(), p = map.latLngToContainerPoint(at);
    return { lat: at.lat, lng: at.lng, x: p.x, y: p.y };
  };

  window.__spApply = function (st, selected, colourBy, pending) {
    if (colourBy && window.__spLegend) { window.__spLegend(colourBy); }
    if (pending !== undefined) { markPending(EDITING ? pending : null); }
    if (!sp.ready || st.length !== n) { sp.pending = [st, selected]; return; }
    apply(st, selected);
  };
  function init(data) {
    D = data; n = D.id.length; nOwn = D.k.length; sp.ids = D.id; sp.places = D.places;
    for (var i = 0; i < nOwn; i++) { sp.parts.push(makeOwn(i)); }
    sp.layers = sp.parts.map(function (p) { return p.layers[0]; });
    D.places.forEach(function (pl, pi) { if (isBadge(pl.p)) { sp.badges.push(makeBadge(pi)); } });
    ZONES.forEach(function (z) { zoneLabels.addLayer(zoneLabel(z)); });
    districtBox.addTo(map);
    if (window.__spPhoneLayout) { window.__spPhoneLayout(); }  // a phone's layer switch below it
    sp.ready = true;
    if (sp.pending) { var p = sp.pending; sp.pending = null; window.__spApply(p[0], p[1]); }
  }
  function fail() {
    var box = L.control({ position: "topright" });
    box.onAdd = function () {
      return text("项目图层加载失败，请刷新页面。",
        "background:#fff3cd;padding:6px 10px;border-radius:4px;");
    };
    box.addTo(map);
  }
  if (SRC.url) {
    fetch(SRC.url).then(function (r) {
      if (!r.ok) { throw new Error(r.status); } return r.json();
    }).then(init).catch(fail);
  } else { init(SRC.data); }
})();
