"""plans stage of the ecoplan pipeline: can we go, where, and what do we tell people?

``forecast`` (Open-Meteo client, cache, manual conditions) → ``daylight`` (astral) →
``context`` (session, group, site features) → ``rules`` (go / go with care / rethink, notes,
checklist) → ``alternatives`` (sites that suit the day better) → ``store`` (saved plans,
SQLAlchemy) → ``ics`` / ``sheet`` (calendar event, printable page).
"""
