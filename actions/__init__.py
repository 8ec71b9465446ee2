"""Rasa SDK actions: thin wrappers that read the tracker, call `bot/` and utter
responses from domain.yml. One module per topic."""
from bot.privacy import install_pii_filter

# The action server configures logging before importing this package: from here
# on, phones and e-mails in its log lines are masked.
install_pii_filter()
