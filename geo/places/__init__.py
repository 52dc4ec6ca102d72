"""Places: the gazetteer, the geocoder and the placement of every project."""
