"""Support around a site: community resources for signposting, help for safety plans, and a
user-extendable local directory (issue #8).

categories  OSM tags → plain categories      dedupe     count a place mapped twice once
nearby      walking distance from a site      help       nearest help, meeting points, coast
directory   user entries in the plans DB      report     :func:`support_around` (the data)
sheet       printable one-page HTML
"""
