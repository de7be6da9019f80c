"""plans stage of the ecoplan pipeline: can we go, where, and what do we tell people?

``forecast`` (Open-Meteo client, cache, manual conditions) → ``validate`` (shape, sizes,
physical ranges, place, time) → ``daylight`` (astral) → ``context`` (session, group, site
features) → ``refuge`` (nearest building) → ``rules`` (go / go with care / unknown / rethink,
notes, checklist) → ``alternatives`` (sites that suit the day better) → ``store`` (saved plans,
SQLAlchemy) → ``ics`` / ``sheet`` (calendar event, printable page).
"""
