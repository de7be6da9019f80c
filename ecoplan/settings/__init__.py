"""All configuration in one place: thresholds, tag lists, walking speeds, paths.

Each number carries its source in a comment. Modules follow the pipeline so that each stays
readable; import the one you need (``from ecoplan.settings import osm as cfg``):

``paths`` caches and user data · ``osm`` tag taxonomy and site rules · ``overpass`` online
source limits · ``network`` walk filter and speeds · ``need`` IoD/ONS formats · ``access``
standards (AGS, ANGSt, WHO, 15 minutes) · ``ranking`` score weights · ``weather`` session rules
· ``plans`` database · ``routes`` loops and the printed map · ``support`` help nearby ·
``programmes`` seasons of sessions and their leaflet · ``app``,
``app_route``, ``app_gaps`` the Streamlit pages.
"""
