{# The legend folds into a 「图例」 button (open at first on a wide map, folded on a phone).
   On a narrow map (a phone) the zoom buttons grow
   to 40 px tap targets, the layer switch moves to the top right and the map fills its frame
   (which the page fits to the screen); a first tap never scrolls the page. The legend's part
   runs after the rest of the map script (the legend is added after it).
   Rendered by geo/mapview/phone.py. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var NARROW = {{ this.narrow_px }};
  // Leaflet focuses the map on the first press (for its arrow keys) and then restores the
  // window's scroll; but the page scrolls in Streamlit's own container, so focusing the map's
  // frame scrolled the page and a first tap near the fold missed what it aimed at.
  if (map.keyboard) {
    map.keyboard.disable();
    map.keyboard._onMouseDown = function () {
      if (!this._focused) { this._map.getContainer().focus({ preventScroll: true }); }
    };
    map.keyboard.enable();
  }
  var css = document.createElement("style");
  css.textContent = ".sp-narrow .leaflet-bar a{width:40px;height:40px;line-height:40px;font-size:22px;}" +
    // Leaflet opens the layer list as the pointer reaches the 图层 button and hid the button:
    // the list's first row (相邻区县) took its place, and the click meant for the button
    // switched that layer off. The open list keeps its button on top (in its corner's side),
    // so that click lands on the button, and the rows start below it.
    ".leaflet-control-layers-expanded .leaflet-control-layers-toggle{display:block;}" +
    ".leaflet-right .leaflet-control-layers-expanded .leaflet-control-layers-toggle{margin-left:auto;}";
  // On a phone the page fits the map's frame to the screen (ui/chrome.py), and the map fills
  // its frame (streamlit-folium's page gave it the fixed height a wide screen keeps). Resized
  // here, before the view is read from and written to the page's URL (view.js runs after this),
  // so the change of size is not taken for a move of the map.
  if (map.getContainer().id === "map_div" && window.parent !== window) {
    css.textContent += "@media (max-width:" + (NARROW - 0.02) + "px){" +  // (not "{" "#": Jinja)
      "#map_div{height:100vh !important;}}";
  }
  document.head.appendChild(css);
  map.invalidateSize();  // keeps the centre; a later change of the frame's size is a resize
  setTimeout(function () {
    // Open or folded, per layout: folded at first on a phone, open on a wide map (where it
    // still folds away from what it covers when the map is zoomed in).
    var box = map.getContainer(), legend = box.querySelector(".sp-legend");
    var open = { narrow: false, wide: true }, mode = "wide";
    if (!legend) { return; }
    var toggle = L.control({ position: "bottomright" });
    toggle.onAdd = function () {
      var b = L.DomUtil.create("button", "sp-legend-toggle");
      b.type = "button";
      b.style.cssText = "min-width:64px;min-height:40px;padding:0 12px;font-size:14px;" +
        "background:#fff;border:2px solid rgba(0,0,0,0.25);border-radius:4px;cursor:pointer;";
      L.DomEvent.disableClickPropagation(b);
      L.DomEvent.on(b, "click", function () {
        open[mode] = !open[mode];
        if (mode === "narrow" && open.narrow) { closeLayers(); }  // the legend where the list was
        layout();
      });
      return b;
    };
    toggle.addTo(map);
    var button = toggle.getContainer();
    function layout() {
      var narrow = box.clientWidth < NARROW, shown;
      mode = narrow ? "narrow" : "wide"; shown = open[mode];
      box.classList.toggle("sp-narrow", narrow);
      button.textContent = shown ? "收起图例" : "图例";
      button.setAttribute("aria-expanded", String(shown));
      // a smaller button beside a desktop's mouse
      button.style.minHeight = narrow ? "40px" : "26px";
      button.style.fontSize = narrow ? "14px" : "12px";
      legend.style.display = shown ? "" : "none";
      // The layer switch: below the zoom buttons it covered the west of the district on a
      // phone (中部“两山”生态屏障's label and count); there it goes below the district box,
      // over the empty north-east.
      var layers = box.querySelector(".leaflet-control-layers");
      var corner = box.querySelector(narrow ? ".leaflet-top.leaflet-right" : ".leaflet-top.leaflet-left");
      if (layers && corner && layers !== corner.lastChild) { corner.appendChild(layers); }
      watchLayers(layers);
      fitLayers();
    }
    // The layer list, opened on a phone, runs down the right side, where the open legend and
    // its button stand (drawn over it: the bottom corner comes later in the page), so its last
    // names could be neither read nor tapped. The legend folds for the list, the list closes
    // for the legend, and the list never reaches below the top of the bottom-right controls
    // (it scrolls instead).
    var watched = null;
    function layersOpen() {
      return !!watched && watched.classList.contains("leaflet-control-layers-expanded");
    }
    function closeLayers() {
      if (layersOpen()) { watched.classList.remove("leaflet-control-layers-expanded"); }
    }
    function watchLayers(layers) {
      if (!layers || layers === watched || !window.MutationObserver) { return; }
      watched = layers;
      new MutationObserver(function () {
        if (!layersOpen()) { return; }
        if (mode === "narrow" && open.narrow) { open.narrow = false; layout(); } else { fitLayers(); }
      }).observe(layers, { attributes: true, attributeFilter: ["class"] });
    }
    function fitLayers() {
      var list = watched && watched.querySelector(".leaflet-control-layers-list");
      if (!list) { return; }
      list.style.maxHeight = ""; list.style.overflowY = "";
      if (mode !== "narrow" || !layersOpen()) { return; }
      var floor = box.getBoundingClientRect().bottom, room;
      box.querySelectorAll(".leaflet-bottom.leaflet-right > .leaflet-control").forEach(function (c) {
        var r = c.getBoundingClientRect();
        if (r.height) { floor = Math.min(floor, r.top); }
      });
      room = Math.floor(floor - list.getBoundingClientRect().top - 8);
      if (list.scrollHeight > room) {
        list.style.maxHeight = Math.max(room, 60) + "px"; list.style.overflowY = "auto";
      }
    }
    window.__spPhoneLayout = layout;  // again once the context layers add their switch
    // A list opened on a phone goes where the open legend is (there is no room beside it on
    // a narrow map): the legend folds for the list the user asked for, and opens again on a tap.
    window.__spFoldLegend = function () {
      if (mode === "narrow" && open.narrow) { open.narrow = false; layout(); }
    };
    window.addEventListener("resize", layout);
    layout();
  }, 0);
})();
