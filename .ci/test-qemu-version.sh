#!/usr/bin/env bash
# Feeds fake version lines to .ci/qemu-version.sh's check; exits non-zero when one is judged wrongly.
set -uo pipefail
. "$(dirname "$0")/qemu-version.sh"
fails=0
expect() {
  local want=$1 line=$2
  if require_qemu_72 qemu-img "$line" 2>/dev/null; then got=ok; else got=rejected; fi
  if [ "$got" != "$want" ]; then
    echo "FAIL: '$line' was $got, expected $want"
    fails=$((fails + 1))
  fi
}
expect ok       "qemu-img version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
expect ok       "qemu-io version 7.2.0"
expect ok       "qemu-nbd 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
expect ok       "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"
expect rejected "qemu-img version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)"
expect rejected "qemu-img version 7.1.0"
expect rejected "qemu-img version 7.20.1"
expect rejected "qemu-img version 17.2.0"
expect rejected "qemu-img version 6.2.0 (Debian 1:6.2+dfsg-2ubuntu6)"
expect rejected "qemu-img: command not found"
expect rejected ""
msg=$(require_qemu_72 qemu-img "qemu-img version 9.0.0" 2>&1)
if [ "$(printf '%s\n' "$msg" | wc -l)" -ne 1 ] || [[ "$msg" != *"qemu 9.0.0"*"7.2.x"* ]]; then
  echo "FAIL: the message must be one line naming the found and the needed version: $msg"
  fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] && echo "qemu version check: all cases judged right"
exit "$fails"
