#!/usr/bin/env bash
# Proves the README's set-up on a fresh machine: bootstraps a minimal Debian 12
# (bookworm) root with debootstrap, copies the repository's HEAD into it (git
# archive), and runs the three commands of the README's "Set-up" section -- the
# apt-get line, the main job, the test command -- exactly as written there, in a
# chroot with /proc mounted. Prints a timing transcript (also kept in
# WORKDIR/transcript.txt).
#
# Usage (as root, with network access to the Debian archive; ~2 GB of disk):
#   tests/fresh_machine.sh [WORKDIR]       default WORKDIR: /var/tmp/c2d-fresh
# Environment: C2D_FRESH_MIRROR (default: the first Debian URI configured in
# this machine's apt sources, else http://deb.debian.org/debian),
# C2D_FRESH_KEEP=1 keeps the root afterwards (it is deleted otherwise).
# Exit status: 0 when every command passed, else the failing command's status.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-/var/tmp/c2d-fresh}
CHROOT="$WORK/root"
SRC=/root/libc2detect
LOG="$WORK/transcript.txt"

if [ "$(id -u)" != 0 ]; then
  echo "fresh_machine: needs root (debootstrap, chroot, mount)" >&2
  exit 1
fi
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  echo "fresh_machine: note: uncommitted changes are NOT tested (git archive HEAD)" >&2
fi

# The README's set-up commands: the fenced blocks of its "## Set-up" section.
mapfile -t CMDS < <(awk '
  /^## / { in_setup = ($0 ~ /^## Set-up/) }
  in_setup && /^```/ { fence = !fence; next }
  in_setup && fence && NF { print }' "$ROOT/README.md")
if [ "${#CMDS[@]}" -ne 3 ]; then
  echo "fresh_machine: expected 3 commands in the README's Set-up section, found ${#CMDS[@]}" >&2
  exit 1
fi

mirror=${C2D_FRESH_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
           head -n 1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi

cleanup() {
  for m in dev/pts dev sys proc; do
    mountpoint -q "$CHROOT/$m" 2>/dev/null && umount -l "$CHROOT/$m"
  done
  if [ "${C2D_FRESH_KEEP:-0}" != 1 ]; then rm -rf "$CHROOT"; fi
}
trap cleanup EXIT

mkdir -p "$WORK"
: >"$LOG"
say() { echo "$*" | tee -a "$LOG"; }
T0=$(date +%s)
step() { # step NAME COMMAND...: run, log, time
  local name=$1 t rc
  shift
  say ""
  say "== [$(date -u +%H:%M:%S)] $name"
  t=$(date +%s)
  set +e
  "$@" 2>&1 | tee -a "$LOG"
  rc=${PIPESTATUS[0]}
  set -e
  say "== $name: exit $rc after $(( $(date +%s) - t )) s"
  TIMES+=("$(printf '%6d s  exit %d  %s' $(( $(date +%s) - t )) "$rc" "$name")")
  if [ "$rc" -ne 0 ]; then summary; exit "$rc"; fi
}
summary() {
  say ""
  say "== timing (total $(( $(date +%s) - T0 )) s)"
  for line in "${TIMES[@]}"; do say "$line"; done
}
TIMES=()

command -v debootstrap >/dev/null 2>&1 || step "install debootstrap on the host" \
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
rm -rf "$CHROOT"
step "debootstrap --variant=minbase bookworm from $mirror" \
  debootstrap --variant=minbase bookworm "$CHROOT" "$mirror"

# A fresh Debian 12 gets the same suites as this machine (updates, security).
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
  rm -f "$CHROOT/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/*.sources "$CHROOT/etc/apt/sources.list.d/"
fi
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
# The network this machine reaches the registries through may re-sign TLS with a
# local CA (this machine trusts it in its own bundle): the root gets the same
# bundle, and pip (which otherwise uses its own) is pointed at it. A machine on
# the open internet needs neither; nothing of the project is changed by it.
trust=""
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$CHROOT/etc/c2d-host-trust"
  cp /etc/ssl/certs/ca-certificates.crt "$CHROOT/etc/c2d-host-trust/ca-certificates.crt"
  trust="PIP_CERT=/etc/c2d-host-trust/ca-certificates.crt SSL_CERT_FILE=/etc/c2d-host-trust/ca-certificates.crt"
fi
mount -t proc proc "$CHROOT/proc"
mount -t sysfs sys "$CHROOT/sys"
mount --bind /dev "$CHROOT/dev"
mount --bind /dev/pts "$CHROOT/dev/pts"

mkdir -p "$CHROOT$SRC"
step "copy the repository (git archive HEAD $(git -C "$ROOT" rev-parse --short HEAD))" \
  bash -c "git -C '$ROOT' archive --format=tar HEAD | tar -x -C '$CHROOT$SRC'"

in_root() { # the command as a user would type it, in a login-like clean environment
  chroot "$CHROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 $trust \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd $SRC && $1"
}
step "README apt line: ${CMDS[0]}" in_root "${CMDS[0]}"
step "README main job: ${CMDS[1]}" in_root "${CMDS[1]}"
step "README test command: ${CMDS[2]}" in_root "${CMDS[2]}"
summary
