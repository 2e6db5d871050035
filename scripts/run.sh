#!/usr/bin/env bash
# Serve egov: the task worker in the background, the web server (granian, WSGI) in front.
set -euo pipefail
host=$1 port=$2 workers=$3
bin=.venv/bin
# Links, QR codes, the simulators and the demo PKI's OCSP/CRL name the address egov runs at.
export EGOV_SITE_URL="${EGOV_SITE_URL:-http://$host:$port}"
"$bin/python" manage.py db_worker --interval 1 &
worker=$!
"$bin/python" manage.py run_outbox &
outbox=$!
trap 'kill $worker $outbox 2>/dev/null || true' EXIT INT TERM
"$bin/python" manage.py demo_accounts
cat <<TEXT

  egov is running:
    Public portal      http://$host:$port/
    Procedure catalogue http://$host:$port/thu-tuc/
    Staff login        http://$host:$port/tai-khoan/dang-nhap/
    Administration     http://$host:$port/quan-tri/
    API docs           http://$host:$port/api/v1/docs
  Press Ctrl+C to stop.

TEXT
"$bin/granian" --interface wsgi --host "$host" --port "$port" --workers "$workers" \
  --blocking-threads 8 --no-ws --log-level warning config.wsgi:application
