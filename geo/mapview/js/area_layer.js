{# The district outline and the zones, each feature carrying its own style and label.
   Rendered by geo/map_scripts.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var fc = {{ this.data }};
  L.geoJSON(fc, {
    interactive: false,
    style: function (f) { return f.properties.style; }
  }).addTo(map);
  fc.features.forEach(function (f) {
    if (!f.properties.label) { return; }
    var el = document.createElement("div");
    el.textContent = f.properties.label;
    el.style.cssText = "font-weight:bold;font-size:14px;color:#333;white-space:nowrap;" +
      "text-shadow:0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,-50%);";
    L.marker([f.properties.at[1], f.properties.at[0]], {
      interactive: false, keyboard: false,
      icon: L.divIcon({ className: "sp-zone-label", html: el, iconSize: null })
    }).addTo(map);
  });
})();
