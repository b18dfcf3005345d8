#!/usr/bin/env bash
# HEALTHCHECK of the engine image: GET /actuator/health on the local port.
# Healthy only on HTTP 200 (Spring Boot answers 503 when the status is DOWN or
# OUT_OF_SERVICE). The JRE image has no curl or wget, so bash's /dev/tcp does the request.
set -euo pipefail

port="${FLOWGATE_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET /actuator/health HTTP/1.0\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 4 status_line <&3
exec 3<&-
case "$status_line" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "unhealthy: ${status_line:-no answer}" >&2; exit 1 ;;
esac
