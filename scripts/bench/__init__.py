"""The benchmark behind scripts/benchmark.py, in parts small enough to read.

options.py   the command line and the dataset sizes
database.py  a throw-away database (SQLite, or PostgreSQL created and dropped), its demo
             data, and the names the requests use (an article, a tag, members)
server.py    the app and a hello-world WSGI app (the ceiling) under one waitress
wire.py      a lean HTTP/1.1 client on a keep-alive socket, cookies, and logging in
endpoints.py what is requested: visitors' pages and API GETs, members' pages, writes
load.py      client processes and threads that request an endpoint for a while
report.py    req/s, p50/p95/p99, share of the ceiling, errors (loudly), saved results
targets.py   issue 13's targets checked against saved results, as a Markdown table

Only the standard library and requirements.txt; nothing leaves this machine.
"""
