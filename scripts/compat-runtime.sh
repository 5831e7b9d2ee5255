#!/usr/bin/env bash
# Compat runtime for TorchSharp 0.107 on Linux distributions whose C++ runtime is too old.
#
# Why: TorchSharp 0.107.0's libLibTorchSharp.so is built with GCC 13 and needs GLIBCXX_3.4.32
# (symbol std::ios_base_library_init()). Debian 12 and Ubuntu 22.04 stop at GLIBCXX_3.4.30, so
# every torch.* call throws a TypeInitializationException. Debian 13's libstdc++ needs glibc 2.38,
# so it cannot simply be put on LD_LIBRARY_PATH next to glibc 2.36.
# Fix: fetch Debian 13 (trixie) libc6, libstdc++6 and libgcc-s1 into a private folder (the "compat
# root") and make the app host use that folder's dynamic loader and libraries (DT_RPATH).
# The build does the patching (Directory.Build.targets calls `patch`); this script provisions.
#
# Usage:
#   scripts/compat-runtime.sh [install]   provision the compat root if this host needs it (idempotent, quiet)
#   scripts/compat-runtime.sh fetch       the same without patchelf (what `lenet-fashion setup-runtime` runs for an
#                                         installed tool, which relaunches itself under the root without patching)
#   scripts/compat-runtime.sh status      print one of: not-needed | ready | missing
#   scripts/compat-runtime.sh root        print the compat root folder
#   scripts/compat-runtime.sh patch FILE [PRISTINE]
#                                         patch an ELF app host when needed (idempotent); when not
#                                         needed, restore it from PRISTINE (the SDK's app host) if it
#                                         differs; exit 3 when needed but the compat root is missing
# Environment:
#   LENET_COMPAT_ROOT    compat root folder (default: ${XDG_CACHE_HOME:-~/.cache}/lenet-fashion/compat-root)
#   LENET_COMPAT_MIRROR  Debian archive URL to fetch trixie packages from (default: the Debian
#                        archive URL of this machine's own apt sources)
#   LENET_HOST_LIBSTDCXX libstdc++.so.6 to judge the host by (default: the one ldconfig finds); for
#                        checking the behaviour on a host that has GLIBCXX_3.4.32
set -euo pipefail

cache_base="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/lenet-fashion"
root="${LENET_COMPAT_ROOT:-$cache_base/compat-root}"
required="GLIBCXX_3.4.32"

case "$(uname -m)" in
  x86_64) triplet=x86_64-linux-gnu; loader=ld-linux-x86-64.so.2 ;;
  aarch64) triplet=aarch64-linux-gnu; loader=ld-linux-aarch64.so.1 ;;
  *) triplet=""; loader="" ;;
esac
libdir="$root/usr/lib/$triplet"
interp="$libdir/$loader"

host_libstdcxx() {
  if [ -n "${LENET_HOST_LIBSTDCXX:-}" ]; then printf '%s' "$LENET_HOST_LIBSTDCXX"; return; fi
  local p
  p=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*\(libc6/{print $NF; exit}') || true
  if [ -z "$p" ]; then
    for c in "/usr/lib/$triplet/libstdc++.so.6" /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
      [ -e "$c" ] && { p="$c"; break; }
    done
  fi
  printf '%s' "$p"
}

# 0 when this host cannot load TorchSharp's native library without the compat root.
needed() {
  [ "$(uname -s)" = Linux ] || return 1
  [ -n "$triplet" ] || return 1
  local lib
  lib=$(host_libstdcxx)
  [ -n "$lib" ] || return 0
  ! grep -qa "$required" "$(readlink -f "$lib")"
}

ready() { [ -x "$interp" ] && [ -e "$libdir/libstdc++.so.6" ] && [ -e "$libdir/libc.so.6" ]; }

status() {
  if ! needed; then echo not-needed; elif ready; then echo ready; else echo missing; fi
}

debian_mirror() {
  if [ -n "${LENET_COMPAT_MIRROR:-}" ]; then printf '%s' "$LENET_COMPAT_MIRROR"; return; fi
  local m=""
  if [ -d /etc/apt/sources.list.d ]; then
    m=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n 1 || true)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^(http|https|ftp|file):/) {print $i; exit}}' /etc/apt/sources.list | grep -v -- '-security' | head -n 1 || true)
  fi
  printf '%s' "$m"
}

install() {
  fetch
  needed || return 0
  if ! command -v patchelf >/dev/null; then
    echo "compat-runtime: installing patchelf with apt" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null
  fi
}

# 0 when $root may be (re)made: absent, an empty folder, or a compat root this script made (its marker file, or
# only the folders Debian's packages unpack into). Anything else (a file, a folder of other things, $HOME by
# mistake) is refused: the script replaces the root as a whole.
replaceable() {
  [ -e "$root" ] || [ -L "$root" ] || return 0
  [ -d "$root" ] && [ ! -L "$root" ] || return 1
  [ -e "$root/.lenet-compat-root" ] && return 0
  local entry
  for entry in "$root"/* "$root"/.[!.]*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    case "$(basename "$entry")" in
      usr|etc|lib|lib64|bin|sbin|var|.dotnet-overlay-*) ;;
      *) return 1 ;;
    esac
  done
  return 0
}

fetch() {
  needed || return 0
  ready && return 0
  replaceable || { echo "compat-runtime: $root exists and is not a compat root (a file, or a folder holding other things); choose an empty or new folder for LENET_COMPAT_ROOT" >&2; exit 5; }
  command -v apt-get >/dev/null || { echo "compat-runtime: apt-get not found; this script supports Debian/Ubuntu hosts only" >&2; exit 1; }
  command -v dpkg-deb >/dev/null || { echo "compat-runtime: dpkg-deb not found" >&2; exit 1; }
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || { echo "compat-runtime: $keyring not found (apt-get install debian-archive-keyring)" >&2; exit 1; }
  local mirror
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { echo "compat-runtime: no Debian archive URL found in this machine's apt sources; set LENET_COMPAT_MIRROR to a Debian mirror URL" >&2; exit 1; }
  local work="$cache_base/apt"
  rm -rf "$work"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
  echo "deb [signed-by=$keyring] $mirror trixie main" > "$work/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
              -o APT::Sandbox::User=root -o Debug::NoLocking=1 -qq)
  echo "compat-runtime: fetching Debian 13 libc6, libstdc++6, libgcc-s1 from $mirror into $root" >&2
  apt-get "${opts[@]}" update >/dev/null
  (cd "$work/debs" && apt-get "${opts[@]}" download libc6 libstdc++6 libgcc-s1 >/dev/null)
  local tmp="$root.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$tmp"; done
  : > "$tmp/.lenet-compat-root"
  rm -rf "$root"; mkdir -p "$(dirname "$root")"; mv "$tmp" "$root"
  rm -rf "$work"
  ready || { echo "compat-runtime: unpacked packages but $interp is missing" >&2; exit 1; }
}

patch_file() {
  local file="$1" pristine="${2:-}"
  if ! needed; then
    if [ -n "$pristine" ] && [ -f "$pristine" ] && ! cmp -s "$file" "$pristine"; then cp "$pristine" "$file"; fi
    return 0
  fi
  ready || return 3
  command -v patchelf >/dev/null || { echo "compat-runtime: patchelf not found (apt-get install patchelf)" >&2; return 4; }
  local cur_interp cur_rpath
  cur_interp=$(patchelf --print-interpreter "$file" 2>/dev/null || true)
  cur_rpath=$(patchelf --print-rpath "$file" 2>/dev/null || true)
  # --print-rpath shows DT_RPATH or DT_RUNPATH; require DT_RPATH specifically (see header).
  if [ "$cur_interp" = "$interp" ] && [ "$cur_rpath" = "$libdir" ]; then
    if ! command -v readelf >/dev/null || readelf -d "$file" 2>/dev/null | grep -q '(RPATH)'; then
      return 0
    fi
  fi
  patchelf --set-interpreter "$interp" --force-rpath --set-rpath "$libdir" "$file"
}

case "${1:-install}" in
  install) install ;;
  fetch) fetch ;;
  status) status ;;
  root) echo "$root" ;;
  patch) [ $# -ge 2 ] || { echo "usage: $0 patch FILE [PRISTINE]" >&2; exit 2; }; patch_file "$2" "${3:-}" ;;
  *) echo "usage: $0 [install|fetch|status|root|patch FILE [PRISTINE]]" >&2; exit 2 ;;
esac
