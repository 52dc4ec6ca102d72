{# The district outline and the zones, each feature carrying its own style.
   Rendered by geo/map_scripts.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var fc = {{ this.data }};
  // The zones (features with a label) and the outline apart, so the zones can be switched off.
  function layer(keep) {
    return L.geoJSON({ type: "FeatureCollection", features: fc.features.filter(keep) }, {
      interactive: false,
      style: function (f) { return f.properties.style; }
    }).addTo(map);
  }
  window.__spZoneLayer = layer(function (f) { return !!f.properties.label; });
  layer(function (f) { return !f.properties.label; });
  // Zone labels are drawn by the project layer, which adds their counts.
})();
