"""English dates as the Norwegian and Swedish forms read, day first: "22 November 2026".

Django's English formats ("Nov. 22, 2026") are American; the Norwegian (nb, nn) and Swedish
(sv) formats Django ships are the ones the app wants ("22. november 2026", "22 november 2026",
decimal comma), so only English is set here (settings.FORMAT_MODULE_PATH).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
