#!/usr/bin/env bash
# Serve egov: the web server (granian, WSGI), the task worker and the outbox, each supervised.
#
# A crashed process never takes egov down: granian starts a failed web worker again by itself
# (--respawn-failed-workers), and this script starts any of the three processes again whenever it
# stops, waiting longer while it keeps failing at once (1 s doubling to 30 s). Ctrl+C or SIGTERM to
# this script stops all of them. Production runs the same three commands under systemd
# (docs/howto/deploy.md), which does the supervising there.
set -euo pipefail
host=$1 port=$2 workers=$3
bin=${EGOV_BIN:-.venv/bin}
# Links, QR codes, the simulators and the demo PKI's OCSP/CRL name the address egov runs at:
# settings.SITE_URL is built from these two unless EGOV_SITE_URL is set (a proxy, a public name).
export EGOV_HOST="$host" EGOV_PORT="$port"

# supervise NAME COMMAND…: run COMMAND, and run it again whenever it exits, until sent SIGTERM.
# COMMAND runs in a process group of its own, so what it leaves behind when it dies (granian's web
# workers, OCR's tesseract) is ended with it instead of living on beside its replacement.
supervise() {
  local name=$1
  shift
  local child="" delay=1 started status
  trap 'leave; exit 0' TERM
  leave() {
    [ -n "$child" ] || return 0
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" || true
    kill -KILL -- "-$child" 2>/dev/null || true
  }
  while :; do
    started=$SECONDS
    setsid "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    kill -KILL -- "-$child" 2>/dev/null || true
    child=""
    # A process that ran for a while starts again at once; one that keeps failing, less and less often.
    if ((SECONDS - started >= 30)); then delay=1; fi
    echo "egov: the $name stopped (exit status $status); starting it again in $delay s" >&2
    sleep "$delay" &
    wait $! || true
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

supervisors=()
stop() {
  trap - EXIT INT TERM
  kill -TERM "${supervisors[@]}" 2>/dev/null || true
  wait || true
  exit 0
}
trap stop EXIT INT TERM

supervise "task worker" "$bin/python" manage.py run_worker --interval 1 &
supervisors+=($!)
supervise outbox "$bin/python" manage.py run_outbox --interval 1 &
supervisors+=($!)
supervise "web server" "$bin/granian" --interface wsgi --host "$host" --port "$port" --workers "$workers" \
  --blocking-threads 8 --no-ws --log-level warning \
  --respawn-failed-workers --respawn-interval 0.5 --workers-kill-timeout 10 config.wsgi:application &
supervisors+=($!)
"$bin/python" manage.py demo_accounts
"$bin/python" manage.py site_addresses
wait
