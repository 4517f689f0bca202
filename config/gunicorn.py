"""gunicorn's settings for the site: the image runs it with these, and so do the benchmarks.

`gunicorn -c config/gunicorn.py config.wsgi`. Threaded workers keep a reader's (or a proxy's)
connection open between requests, so a cached public answer costs no new connection; a few
processes share the cores, the threads overlap their waits on Postgres and Redis.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
# Seconds an idle keep-alive connection is held: longer than a proxy's own (typically 4-5 s)
# would keep sockets for nobody; shorter would make a poller reconnect.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))
# The access log goes to stdout for the log pipeline unless WEB_ACCESS_LOG is "off" (benches).
accesslog = None if os.environ.get("WEB_ACCESS_LOG") == "off" else "-"
