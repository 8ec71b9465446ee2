"""Rasa SDK actions: thin wrappers that read the tracker, call `bot/` and utter
responses from the domain. One module per topic; what they share is in
`actions/shared.py`."""
from bot.privacy import install_pii_filter
from bot.settings import get_settings
from channels.startup_objects import freeze_after_start_of

# The action server configures logging before importing this package: from here
# on, phones and e-mails in its log lines are masked.
install_pii_filter(get_settings().company.country)

# What the action server holds from its start is left out of garbage collection once it has
# started (channels/startup_objects.py); rasa_sdk made its app, named so, before importing this.
freeze_after_start_of("rasa_sdk")
