"""Rasa SDK actions: thin wrappers that read the tracker, call `bot/` and utter
responses from the domain. One module per topic; what they share is in
`actions/shared.py`."""
from bot.privacy import install_pii_filter
from bot.settings import get_settings

# The action server configures logging before importing this package: from here
# on, phones and e-mails in its log lines are masked.
install_pii_filter(get_settings().company.country)
