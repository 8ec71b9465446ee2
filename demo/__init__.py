"""Demo data for the embedded adapters: customers a tester can impersonate.

Outside the application core on purpose: `demo/data.yml` is the data,
`demo/records.py` reads and checks it, `demo/seed.py` writes it into the
application database (`python -m demo.seed`), `demo/docs.py` renders the tables
of docs/demo-data.md from it.
"""
