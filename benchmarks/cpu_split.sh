#!/usr/bin/env bash
# CPU seconds used by each kind of process (gunicorn, postgres, wrk…) over a window.
#   benchmarks/cpu_split.sh 10     # run it while `make bench` (or wrk) loads a server
# Reads utime + stime of every process from /proc before and after; docs/benchmarks.md
# divides the figures by the requests served in the window.
set -euo pipefail
seconds=${1:-10}
snapshot() {
  for stat in /proc/[0-9]*/stat; do
    read -r line < "$stat" 2>/dev/null || continue
    pid=${line%% *}
    comm=${line#*(}; comm=${comm%%)*}
    rest=${line##*) }
    set -- $rest
    echo "$pid $comm $(( ${12} + ${13} ))"
  done | sort
}
before=$(snapshot)
sleep "$seconds"
after=$(snapshot)
hz=$(getconf CLK_TCK)
join <(echo "$before") <(echo "$after") \
  | awk -v hz="$hz" '{ d = $5 - $3; if (d > 0) cpu[$2] += d }
      END { for (k in cpu) printf "%-20s %.2f s\n", k, cpu[k] / hz }' \
  | sort -k2 -nr
