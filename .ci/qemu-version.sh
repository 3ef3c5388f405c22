# Sourced by .ci/run and .ci/test-qemu-version.sh: every reference comparison assumes qemu 7.2.x.

# qemu_version_of "qemu-img version 7.2.22 (Debian ...)" prints 7.2.22: the first number of the first line that
# stands on its own; nothing when there is none.
qemu_version_of() {
  printf '%s\n' "$1" | head -n 1 | grep -oE '(^| )[0-9]+\.[0-9]+(\.[0-9]+)?( |$)' | head -n 1 | tr -d ' '
}

# require_qemu_72 TOOL "FIRST LINE OF TOOL --version": returns 0 for 7.2.x, else prints one line and returns 1.
require_qemu_72() {
  local tool=$1 line=$2 v
  v=$(qemu_version_of "$line")
  case "$v" in
    7.2|7.2.*) return 0 ;;
    "") echo "$tool: cannot read a version from '$line'; blockstep's reference comparisons need qemu 7.2.x" >&2 ;;
    *) echo "$tool is qemu $v; blockstep's reference comparisons need qemu 7.2.x (Debian 12's qemu-utils)" >&2 ;;
  esac
  return 1
}
