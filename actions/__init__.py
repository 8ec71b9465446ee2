"""Rasa SDK actions: thin wrappers that read the tracker, call `bot/` and utter
responses from domain.yml. One module per topic."""
