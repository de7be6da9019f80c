"""Ranges, steps and defaults of the app's inputs (sliders, number boxes, text boxes).

They shape the form, not the analysis: the library accepts wider ranges and checks its own
limits (e.g. :mod:`ecoplan.settings.routes` MIN/MAX_LOOP_MINUTES), so these live next to the
app rather than in ``ecoplan/settings/``. Numbers that are our own choice say why.
"""

from __future__ import annotations

from typing import Final

# --- Plan a session -----------------------------------------------------------------------

# Session times are in the site's own time zone, looked up offline from its position
# (ecoplan.support.country.timezone_at): Europe/Helsinki for the demo area.
#: Session defaults (our choice: a typical health-walk length and group, Walking for Health
#: walks are 30–90 min; the planner's Group() default is 10 people with one leader).
DEFAULT_SESSION_MINUTES: Final = 60
DEFAULT_START: Final = "10:00"
# A forecast for another place is refused, not warned about: see
# ecoplan.settings.weather.FORECAST_FAR_KM (one rules table).

# --- Walking route ----------------------------------------------------------------------------

#: Duration slider, minutes. Issue #7 suggests 15–120 min: a walking-group session is 30–90
#: min (Walking for Health guidance: walks of 30–90 minutes); 5-minute steps are how leaders
#: plan. The router itself accepts 5–480 (settings.routes MIN/MAX_LOOP_MINUTES).
DURATION_MIN: Final = 15
DURATION_MAX: Final = 120
DURATION_STEP: Final = 5
DURATION_DEFAULT: Final = 45
#: Alternatives offered (our choice: more than 5 lines on one map stop being readable).
ALTERNATIVES_MAX: Final = 5
ALTERNATIVES_DEFAULT: Final = 3

# --- Support panel ----------------------------------------------------------------------------

#: Radius input step, metres (our choice: 100 m ≈ 1.25 minutes' walk).
SUPPORT_RADIUS_STEP_M: Final = 100.0

# --- Access gaps --------------------------------------------------------------------------------

#: Name given to a drawn what-if site until the user types one.
DEFAULT_WHATIF_NAME: Final = "New site"
