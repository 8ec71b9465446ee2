"""Custom Rasa NLU graph components, referenced by module path in config.yml."""
from bot.privacy import install_pii_filter
from bot.settings import get_settings

# The Rasa server imports this package when it loads the model, after its
# logging is configured: mask phones and e-mails in its log lines too.
install_pii_filter(get_settings().company.country)
