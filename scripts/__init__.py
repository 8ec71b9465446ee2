"""Project scripts; Python ones run as modules from the project root (`python -m scripts.<name>`), so the
model finds the project's own NLU components (`components.*`)."""
