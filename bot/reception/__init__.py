"""The steps every conversation starts with (protocol steps 1-3).

`greeting` (time of day in the provider's zone), `identification` (who is
writing, never revealing another customer's data), `contact` (confirming the
phone and e-mail on file). Which need follows is in `bot.needs`.
"""
