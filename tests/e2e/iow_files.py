"""The real Isle of Wight inputs the browser tests load (from ../shared/data)."""

from __future__ import annotations

from pathlib import Path

from ecoplan.settings.paths import shared_data_dir

APP = Path(__file__).resolve().parents[2] / "app.py"
SHARED = shared_data_dir()
IOW_PBF = SHARED / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
BOUNDS = SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE1 = SHARED / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
FILE6 = SHARED / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
