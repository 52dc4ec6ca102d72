{# The district outline and the zones, each feature carrying its own style.
   Rendered by geo/map_scripts.py: the values set on `this` are escaped JS literals. #}
(function () {
  var map = {{ this._parent.get_name() }};
  var fc = {{ this.data }};
  L.geoJSON(fc, {
    interactive: false,
    style: function (f) { return f.properties.style; }
  }).addTo(map);
  // Zone labels are drawn by the project layer, which adds their counts.
})();
