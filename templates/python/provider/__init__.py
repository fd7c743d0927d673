"""The plugin's code: metadata and config (settings), the upstream client (upstream),
the HTTP routes (app) and the error model (errors). `plugin.py` serves it."""
