"""Weather: the Open-Meteo request, HTTP behaviour, and every threshold the session rules use.

All rule thresholds live in :data:`THRESHOLDS`, one row per number with its unit and source
(docs/architecture.md#session-plans). Rules read them through :func:`value`. Where a number
is our own choice the source says so and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- Open-Meteo request -----------------------------------------------------------------------

#: Public endpoint (free for non-commercial use under 10,000 calls/day, CC BY 4.0).
FORECAST_URL: Final = "https://api.open-meteo.com/v1/forecast"
ATTRIBUTION: Final = "Weather data by Open-Meteo.com"
DEFAULT_TIMEZONE: Final = "Europe/London"
FORECAST_DAYS: Final = 7  # Open-Meteo default horizon

#: Hourly variables the rules read (current names). ``precipitation`` and ``wind_gusts_10m``
#: are totals/maxima over the *preceding* hour (Open-Meteo docs).
HOURLY_VARS: Final[tuple[str, ...]] = (
    "temperature_2m", "apparent_temperature", "precipitation_probability", "precipitation",
    "wind_speed_10m", "wind_gusts_10m", "uv_index", "weather_code", "is_day",
)
DAILY_VARS: Final[tuple[str, ...]] = ("sunrise", "sunset")

#: Daily summary fields used when the hourly forecast does not cover a session (conservative).
DAILY_FALLBACK_VARS: Final[tuple[str, ...]] = (
    "weather_code", "temperature_2m_max", "temperature_2m_min", "apparent_temperature_max",
    "apparent_temperature_min", "precipitation_sum", "precipitation_probability_max",
    "uv_index_max", "wind_speed_10m_max", "wind_gusts_10m_max",
)

#: What each variable measures, for unit conversion (the rules read km/h, °C and mm).
UNIT_KIND: Final[dict[str, str]] = {
    "temperature_2m": "temperature", "apparent_temperature": "temperature",
    "temperature_2m_max": "temperature", "temperature_2m_min": "temperature",
    "apparent_temperature_max": "temperature", "apparent_temperature_min": "temperature",
    "precipitation": "precipitation", "precipitation_sum": "precipitation",
    "wind_speed_10m": "wind", "wind_gusts_10m": "wind",
    "wind_speed_10m_max": "wind", "wind_gusts_10m_max": "wind",
}

#: Open-Meteo unit strings (``hourly_units``/``daily_units``/``current_units``) → (scale,
#: offset) giving km/h, °C or mm: ``ours = value * scale + offset``. Source: Open-Meteo
#: /v1/forecast docs (``wind_speed_unit`` kmh|ms|mph|kn, ``temperature_unit``
#: celsius|fahrenheit, ``precipitation_unit`` mm|inch; the response writes them "km/h", "m/s",
#: "mp/h", "kn", "°C", "°F", "mm", "inch"). Factors are exact definitions (1 mile = 1.609344 km,
#: 1 knot = 1.852 km/h, 1 inch = 25.4 mm, °C = (°F − 32) × 5/9). A unit not listed is refused,
#: never guessed; a response without units is read in Open-Meteo's defaults (km/h, °C, mm).
UNIT_SCALES: Final[dict[str, dict[str, tuple[float, float]]]] = {
    "wind": {"km/h": (1.0, 0.0), "kmh": (1.0, 0.0), "m/s": (3.6, 0.0), "ms": (3.6, 0.0),
             "mp/h": (1.609344, 0.0), "mph": (1.609344, 0.0), "kn": (1.852, 0.0),
             "kt": (1.852, 0.0), "knots": (1.852, 0.0)},
    "temperature": {"°C": (1.0, 0.0), "C": (1.0, 0.0), "celsius": (1.0, 0.0),
                    "°F": (5 / 9, -32 * 5 / 9), "F": (5 / 9, -32 * 5 / 9),
                    "fahrenheit": (5 / 9, -32 * 5 / 9)},
    "precipitation": {"mm": (1.0, 0.0), "inch": (25.4, 0.0), "in": (25.4, 0.0)},
}
#: The unit each kind is read in, for messages.
BASE_UNITS: Final[dict[str, str]] = {"wind": "km/h", "temperature": "°C",
                                     "precipitation": "mm"}

#: Legacy Open-Meteo names (pre-2023 responses and old fixtures) → current names.
LEGACY_NAMES: Final[dict[str, str]] = {
    "weathercode": "weather_code",
    "windspeed_10m": "wind_speed_10m",
    "windgusts_10m": "wind_gusts_10m",
    "winddirection_10m": "wind_direction_10m",
    "relativehumidity_2m": "relative_humidity_2m",
    "cloudcover": "cloud_cover",
    "windspeed_10m_max": "wind_speed_10m_max",
    "windgusts_10m_max": "wind_gusts_10m_max",
}

# --- HTTP behaviour ---------------------------------------------------------------------------

CONNECT_TIMEOUT_S: Final = 5.0  # our choice: fail fast on a dead network
READ_TIMEOUT_S: Final = 15.0  # Open-Meteo answers in well under a second (generationtime_ms)
MAX_ATTEMPTS: Final = 4  # 1 try + 3 retries on connection errors, timeouts, 5xx and 429
BACKOFF_S: Final = 1.0  # first wait; doubles each retry (1, 2, 4 s)
MAX_RETRY_AFTER_S: Final = 30.0  # cap on a server's Retry-After so the CLI never hangs
CACHE_SUBDIR: Final = "forecast"

# --- What a forecast must be before any rule reads it -------------------------------------------

#: Largest forecast file read (bytes). Our choice: a full 16-day Open-Meteo response with every
#: hourly variable we ask for is ≈ 60 KB; the recorded fixtures are 2–16 KB. 5 MB matches the
#: app's upload cap for forecasts (settings.app.MAX_UPLOAD_MB["forecast"]).
MAX_FORECAST_BYTES: Final = 5 * 1024 * 1024
#: Most hourly rows accepted. Open-Meteo serves at most 92 past + 16 forecast days
#: (108 × 24 = 2,592 hours); our cap leaves room for 15-minute data and rejects junk.
MAX_FORECAST_ROWS: Final = 12_000
#: A forecast whose point is farther than this from the site is for somewhere else: refused.
#: Our choice: Open-Meteo answers with the nearest model grid cell; its coarsest global model
#: (GFS 0.25°, ≈ 28 km cells) puts that cell at most ≈ 20 km from the asked-for point, so
#: beyond 30 km the file was fetched for another place.
FORECAST_FAR_KM: Final = 30.0

#: Physical range of every value a forecast or a leader can give (unit, low, high, source).
#: Values outside are refused, never clipped: they mean a damaged file or a typo.
PHYSICAL_RANGES: Final[dict[str, tuple[str, float, float, str]]] = {
    "temperature_2m": ("°C", -90.0, 60.0, "WMO world records: −89.2 °C (Vostok 1983), "
                       "56.7 °C (Death Valley 1913)"),
    "apparent_temperature": ("°C", -100.0, 80.0, "our choice: air records widened for wind "
                             "chill and heat index (highest heat index reported ≈ 81 °C)"),
    "precipitation": ("mm/h", 0.0, 305.0, "WMO world record 1-hour rainfall 305 mm "
                      "(Holt, Missouri 1947)"),
    "precipitation_probability": ("%", 0.0, 100.0, "a probability"),
    "wind_speed_10m": ("km/h", 0.0, 410.0, "WMO world record gust 408 km/h "
                       "(Barrow Island 1996); a mean wind is lower"),
    "wind_gusts_10m": ("km/h", 0.0, 410.0, "WMO world record gust 408 km/h "
                       "(Barrow Island 1996)"),
    "uv_index": ("", 0.0, 45.0, "highest UV index measured ≈ 43 (Licancabur, Bolivia 2003)"),
    "weather_code": ("WMO code", 0.0, 99.0, "WMO 4677 present-weather codes 0–99"),
    "is_day": ("", 0.0, 1.0, "Open-Meteo flag 0/1"),
}
#: Daily summary fields → the hourly variable whose range applies.
DAILY_RANGE_OF: Final[dict[str, str]] = {
    "weather_code": "weather_code", "temperature_2m_max": "temperature_2m",
    "temperature_2m_min": "temperature_2m", "apparent_temperature_max": "apparent_temperature",
    "apparent_temperature_min": "apparent_temperature",
    # a day's total can exceed one hour's record: WMO 24-hour record 1,825 mm (Réunion 1966)
    "precipitation_sum": "precipitation_sum",
    "precipitation_probability_max": "precipitation_probability", "uv_index_max": "uv_index",
    "wind_speed_10m_max": "wind_speed_10m", "wind_gusts_10m_max": "wind_gusts_10m",
}
DAILY_PRECIP_RANGE: Final[tuple[str, float, float, str]] = (
    "mm/day", 0.0, 1825.0, "WMO world record 24-hour rainfall 1,825 mm (Foc-Foc, Réunion 1966)")

# --- Rule thresholds (one table) --------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    key: str
    value: float
    unit: str
    source: str


THRESHOLDS: Final[tuple[Threshold, ...]] = (
    # Heat
    Threshold("heat_care_c", 25.0, "°C", "our choice: warm enough that a walking group needs "
              "water and shade; UKHSA notes health effects start below alert thresholds"),
    Threshold("heat_rethink_c", 31.0, "°C", "UKHSA / Met Office legacy SE day trigger 31 °C"),
    # UV (Met Office bands: 1–2 low, 3–5 moderate, 6–7 high, 8–10 very high, 11+ extreme)
    Threshold("uv_high", 6.0, "index", "Met Office UV band 'high' (6–7)"),
    Threshold("uv_very_high", 8.0, "index", "Met Office UV band 'very high' (8–10)"),
    Threshold("uv_extreme", 11.0, "index", "Met Office UV band 'extreme' (11+)"),
    # Cold
    Threshold("cold_care_c", 2.0, "°C apparent", "UKHSA cold-health alert: mean ≤2 °C"),
    Threshold("cold_care_vulnerable_c", 5.0, "°C apparent", "our choice: older/frail walkers "
              "lose heat faster; 3 °C above the UKHSA 2 °C line"),
    Threshold("cold_rethink_c", -10.0, "°C apparent", "our choice: severe wind chill, "
              "frostbite risk on exposed skin within ~30 min (Met Office wind-chill guidance)"),
    Threshold("cold_rethink_vulnerable_c", -5.0, "°C apparent", "our choice: 5 °C margin "
              "for older/frail walkers"),
    Threshold("frost_c", 0.0, "°C", "UKHSA: snow/ice; water freezes at 0 °C"),
    # Rain and mud
    Threshold("rain_mm", 0.2, "mm/h", "our choice: above the 0.1 mm rounding noise of "
              "Open-Meteo hourly totals — drizzle that wets paths"),
    Threshold("rain_heavy_mm", 4.0, "mm/h", "Met Office: heavy rain is >4 mm/h"),
    Threshold("rain_prob_pct", 50.0, "%", "our choice: rain more likely than not"),
    Threshold("mud_prior_24h_mm", 5.0, "mm/24 h", "our choice: a wet day before leaves "
              "unsurfaced paths muddy"),
    Threshold("surfaced_share_ok", 0.8, "share", "our choice: ≥80 % sealed paths count "
              "as surfaced"),
    # Wind
    Threshold("gust_wood_rethink_kmh", 72.0, "km/h", "Forestry England / National Trust "
              "Hatfield Forest close woodland at gusts ≥45 mph (≈72 km/h)"),
    Threshold("gust_wood_care_kmh", 50.0, "km/h", "our choice: ≈30 mph, branches start "
              "to fall well below closure level"),
    Threshold("gust_coast_care_kmh", 48.0, "km/h", "RNLI: gusts over 30 mph (≈48 km/h) "
              "affect balance near cliff edges"),
    Threshold("gust_coast_rethink_kmh", 64.0, "km/h", "RNLI: 40 mph (≈64 km/h) gusts on "
              "cliffs and sea fronts"),
    Threshold("gust_open_care_kmh", 64.0, "km/h", "our choice: 40 mph gusts make walking "
              "hard for anyone on open ground (RNLI balance figure)"),
    # Thunder, fog, snow: weather codes (WMO 4677 subset used by Open-Meteo)
    # Daylight
    Threshold("daylight_margin_min", 60.0, "min", "our choice "
              "(docs/architecture.md#session-plans), Ramblers leader guidance: "
              "'sufficient daylight'"),
    # A session partly before sunrise is rethink when a large part of it is dark: more than
    # 30 min, or more than a quarter of it. (After sunset any part is already rethink: it only
    # gets darker.)
    Threshold("dark_rethink_min", 30.0, "min", "our choice: morning civil twilight lasts about "
              "35–45 min in the UK (astral), so a start over 30 min before sunrise is in real "
              "darkness; the same darkness programmes refuse (settings.programmes)"),
    Threshold("dark_rethink_share", 0.25, "share", "our choice: a quarter of a session in the "
              "dark (15 min of an hour's walk) is a large part of it, not a dim start"),
    # Session logistics
    Threshold("toilet_session_min", 90.0, "min", "our choice: Walking for Health walks are "
              "20–60 min; beyond 90 min people need a toilet"),
    Threshold("walkers_per_leader", 20.0, "walkers", "Walking for Health: ≥1 leader per "
              "20 walkers"),
    Threshold("leaders_rethink_share", 0.5, "share", "our choice: with under half the leaders "
              "the guidance asks for (over 40 walkers each) a leader can neither count the "
              "group nor reach a walker in trouble: rethink, not care (1 leader for 1,000 "
              "walkers was only 'go with care')"),
    Threshold("max_session_min", 600.0, "min", "our choice: a 10-hour day is the longest "
              "plausible outdoor session"),
)

_BY_KEY: Final[dict[str, Threshold]] = {t.key: t for t in THRESHOLDS}


@dataclass(frozen=True)
class RuleThresholds:
    """The table above as typed attributes (``weather.RULES.heat_care_c``): a typo is a type
    error before anything runs, and a row added above without a field here (or the reverse)
    fails at import."""

    heat_care_c: float
    heat_rethink_c: float
    uv_high: float
    uv_very_high: float
    uv_extreme: float
    cold_care_c: float
    cold_care_vulnerable_c: float
    cold_rethink_c: float
    cold_rethink_vulnerable_c: float
    frost_c: float
    rain_mm: float
    rain_heavy_mm: float
    rain_prob_pct: float
    mud_prior_24h_mm: float
    surfaced_share_ok: float
    gust_wood_rethink_kmh: float
    gust_wood_care_kmh: float
    gust_coast_care_kmh: float
    gust_coast_rethink_kmh: float
    gust_open_care_kmh: float
    daylight_margin_min: float
    dark_rethink_min: float
    dark_rethink_share: float
    toilet_session_min: float
    walkers_per_leader: float
    leaders_rethink_share: float
    max_session_min: float


RULES: Final = RuleThresholds(**{t.key: t.value for t in THRESHOLDS})


def source(key: str) -> str:
    return _BY_KEY[key].source


# --- Thunder: where to go -----------------------------------------------------------------------
#: OSM ``building=*`` values that are no refuge in a thunderstorm (US National Weather Service,
#: "Lightning safety": unsafe are car ports, covered patios, picnic shelters, beach pavilions,
#: sheds, greenhouses, tents; a safe building is enclosed, with wiring and plumbing).
UNSAFE_BUILDINGS: Final[frozenset[str]] = frozenset({
    "roof", "ruins", "shed", "hut", "carport", "kiosk", "shelter", "greenhouse", "tent",
    "canopy", "pavilion", "grandstand", "construction", "no",
})
#: Look this far (m) from the site's edge for the nearest building (our choice: 2 km is about
#: 25 minutes' walk, the most a group could cover while a storm builds).
REFUGE_SEARCH_M: Final = 2000.0

# --- What each rule needs (the verdict is "unknown" without it) --------------------------------
#: Rule family → hourly variables, any one of which lets the rule decide. A forecast (or a
#: hand-entered set of conditions) lacking all of a family's variables for the session cannot
#: say GO: the verdict becomes "unknown — check the forecast" unless a rule already says rethink.
RULE_NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "heat and cold": ("temperature_2m", "apparent_temperature"),
    "rain": ("precipitation", "precipitation_probability", "weather_code"),
    "wind": ("wind_gusts_10m",),
    "thunder, snow and fog": ("weather_code",),
    "UV": ("uv_index",),
}
#: Daily summary field that stands in for an hourly variable (whole-day extremes: cautious).
DAILY_STANDS_IN: Final[dict[str, tuple[str, ...]]] = {
    "temperature_2m": ("temperature_2m_max", "temperature_2m_min"),
    "apparent_temperature": ("apparent_temperature_max", "apparent_temperature_min"),
    "precipitation": ("precipitation_sum",),
    "precipitation_probability": ("precipitation_probability_max",),
    "wind_gusts_10m": ("wind_gusts_10m_max",),
    "wind_speed_10m": ("wind_speed_10m_max",),
    "uv_index": ("uv_index_max",),
    "weather_code": ("weather_code",),
}
#: Below this sun elevation for the whole session the UV index cannot reach the "high" band
#: (6), so a missing UV index does not stop the verdict. Clear-sky UVI ≈ 12.5·cos(SZA)^2.42
#: (Madronich 2007, Photochem. Photobiol. 83:1537): 2.3 at 30° elevation — under 6 even
#: doubled for fresh snow, altitude and low ozone.
UV_LOW_SUN_ELEVATION_DEG: Final = 30.0

# --- Weather codes (WMO 4677 as used by Open-Meteo) -------------------------------------------

FOG_CODES: Final[frozenset[int]] = frozenset({45, 48})
DRIZZLE_RAIN_CODES: Final[frozenset[int]] = frozenset(
    {51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 80, 81, 82})
HEAVY_RAIN_CODES: Final[frozenset[int]] = frozenset({65, 67, 82})
FREEZING_CODES: Final[frozenset[int]] = frozenset({56, 57, 66, 67})
SNOW_CODES: Final[frozenset[int]] = frozenset({71, 73, 75, 77, 85, 86})
THUNDER_CODES: Final[frozenset[int]] = frozenset({95, 96, 99})

CODE_TEXT: Final[dict[int, str]] = {
    0: "clear sky", 1: "mainly clear", 2: "partly cloudy", 3: "overcast", 45: "fog",
    48: "freezing fog", 51: "light drizzle", 53: "drizzle", 55: "dense drizzle",
    56: "light freezing drizzle", 57: "freezing drizzle", 61: "light rain", 63: "rain",
    65: "heavy rain", 66: "light freezing rain", 67: "freezing rain", 71: "light snow",
    73: "snow", 75: "heavy snow", 77: "snow grains", 80: "light showers", 81: "showers",
    82: "violent showers", 85: "snow showers", 86: "heavy snow showers", 95: "thunderstorm",
    96: "thunderstorm with hail", 99: "thunderstorm with heavy hail",
}
