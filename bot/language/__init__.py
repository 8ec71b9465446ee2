"""Reading what customers write: input checks, phone numbers, and Spanish text (`es`).

Nothing here knows about customers, tickets or Rasa: each function takes text
and returns a normalised value or None. Vocabulary lives in data files next to
the code (`es/*.yml`), so adding a brand or a regional word is a data change.
"""
