"""The customer web app at /app: its cookie session and its pages (docs/web-app.md)."""
