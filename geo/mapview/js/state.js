{# Hands the filter state to the project layer (a feature_group_to_add, so no remount).
   Rendered by geo/map_scripts.py: the values set on `this` are escaped JS literals. #}
if (window.__spApply) { window.__spApply({{ this.state_js }}, {{ this.selected }}, {{ this.colour_by }}, {{ this.pending }}); }
