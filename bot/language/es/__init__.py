"""Spanish as customers write it: accents or not, voseo or tuteo, typos, shorthand.

One module per thing read: `text` (the plain form every matcher works on),
`numbers`, `dates` ("desde antier"), `devices` (which devices, how many people
and devices at home), `connection` (Wi-Fi or cable), `brands`, `names`,
`identifiers` (e-mails, national IDs).
"""
