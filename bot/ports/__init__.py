"""The ports: what the assistant needs from the provider's systems, and nothing of how.

Each module holds one port (a `typing.Protocol` with async methods) and the
frozen records it hands out. Adapters live in `bot.adapters.<system>`; which
adapter serves each port is decided once, in `bot.wiring`, from settings.
Nothing here imports SQLAlchemy, Rasa or an HTTP client.
"""
