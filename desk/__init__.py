"""The agents' desk: the handoff engine's process, its API and (later) the web app."""
