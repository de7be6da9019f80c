"""Domain configuration in one place: thresholds, tag lists, walking speeds, paths.

Each number carries its source in a comment. Modules follow the pipeline so that each stays
readable; import the one you need under its own name
(``from ecoplan.settings import osm as osm_cfg``):

``paths`` caches and user data · ``osm`` tag taxonomy and site rules · ``overpass`` online
source limits · ``network`` walk filter and speeds · ``need`` IoD/ONS formats · ``access``
standards (AGS, ANGSt, WHO, 15 minutes) · ``ranking`` score weights · ``weather`` session rules
· ``plans`` database · ``routes`` loops, grid references and GPX · ``support`` help nearby ·
``programmes`` seasons of sessions · ``parts`` typed weight tables · ``map_style`` the
basemap both maps share · ``app`` the app's uploads, downloads and attribution.

How things look is kept next to what draws them: the app's colours and sizes in
:mod:`ecoplan.app.style`, its input ranges in :mod:`ecoplan.app.controls`, the printed route
map's in :mod:`ecoplan.routes.print_style`, the leaflet's in
:mod:`ecoplan.programmes.print_style` (docs/architecture.md, "Where each decision lives").
"""
