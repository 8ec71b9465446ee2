"""Technical support (process 002, steps 4-6).

`key_questions` (since when, which devices, Wi-Fi or cable, brand, household),
`line_checks` (the four checks, run at once), `decisions` (the decision table),
`line_report` (the checks in plain words), `scheduling` (24-48 business-hour
visits), `visits` (moving a visit), `wifi` (tips by topic).
"""
