"""What the text-messaging connectors (Telegram, WhatsApp, SMS) share.

- `text`: splitting a long reply at a channel's limit on paragraph, line or word boundaries;
- `options`: Rasa buttons as numbered options for text-only channels, and a reply mapped back;
- `store`: the processed-once log of delivery ids and small per-sender state (in memory, or Redis);
- `retry`: sending again with exponential backoff when a platform says 429 or 5xx;
- `inbound`: the guarded message handlers, turns processed in order per sender, webhook URLs.
"""
