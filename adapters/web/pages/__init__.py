"""Server-rendered pages (Jinja2): login, the coordinator's board, the mentor's inbox, projects."""
