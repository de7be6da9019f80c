"""programmes stage: a season of sessions — dates, sites, routes, weather checks, the leaflet."""
