"""gunicorn settings for Haven (`make serve`, and the systemd unit in docs/operations.md).

gunicorn reads this file by itself when started from the repository root; values come from the
environment so one file serves every machine.
"""

import os

# Loopback by default: the reverse proxy in front terminates TLS and forwards to this address.
bind = [address.strip() for address in os.environ.get("HAVEN_BIND", "127.0.0.1:8000").split(",") if address.strip()]

# Sync workers: every request is short and database-bound, and the proxy buffers slow clients.
# The usual 2 x cores + 1 keeps the CPUs busy while some workers wait for PostgreSQL. Each worker
# holds at most one database connection (CONN_MAX_AGE=60), so PostgreSQL's max_connections must
# exceed the sum of the workers of all app machines, plus the scheduled jobs.
# The CPUs this process may run on (a container or taskset may allow fewer than the machine has).
cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
workers = int(os.environ.get("HAVEN_WORKERS") or 2 * cpus + 1)
worker_class = "sync"
timeout = int(os.environ.get("HAVEN_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, staggered, so slow growth in memory never builds up.
max_requests = 2000
max_requests_jitter = 200

# Logs go to stdout/stderr (journald or the container runtime collects them). The access log has
# no client address and no query string: a pupil search puts a name in the query string.
accesslog = "-" if os.environ.get("HAVEN_ACCESS_LOG", "on").lower() in ("1", "true", "yes", "on") else None
errorlog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
loglevel = os.environ.get("HAVEN_GUNICORN_LOG_LEVEL", "info")

# gunicorn itself trusts X-Forwarded-* only from these proxy addresses (Django reads
# X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER; see docs/operations.md).
forwarded_allow_ips = os.environ.get("HAVEN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "haven"
# gunicorn's control socket (a unix socket under $HOME) is not used: systemd sends the signals
# (HUP to reload, TERM to stop), and several instances on one machine would share its path.
control_socket_disable = True
