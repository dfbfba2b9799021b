#!/usr/bin/env bash
# The builds for older government systems (银河麒麟 V10, UOS 20: glibc 2.28): wardflow for
# x86_64 and aarch64 linked against glibc 2.28 with cargo-zigbuild (zig from PyPI's `ziglang`),
# a .deb for each (scripts/package.sh), and the check that no binary needs a GLIBC symbol
# version above 2.28 (readelf --dyn-syms). LoongArch (loongarch64-unknown-linux-gnu) is not built yet.
#
#   scripts/glibc-2.28.sh            # both architectures, release builds and a .deb for each
#   scripts/glibc-2.28.sh aarch64    # one architecture
#   scripts/glibc-2.28.sh --dev      # debug builds and the symbol check only, no package: the
#                                    # check CI runs (.ci/run), much faster than two releases
#   scripts/glibc-2.28.sh --check-only target/x86_64-unknown-linux-gnu/release/wardflow
#                                    # just the symbol check of one binary
#
# Fetches (once): the Rust standard library for both targets (rustup), cargo-zigbuild
# (crates.io) and ziglang (PyPI, into target/zig-venv). Nothing is fetched at run time of
# wardflow itself.
set -euo pipefail
cd "$(dirname "$0")/.."

GLIBC_MAX=2.28

# Fails when `binary` needs a GLIBC_x.y symbol version above GLIBC_MAX; prints the highest.
check_glibc() {
  local binary=$1 highest
  # readelf reads an ELF of any architecture (the host's objdump may not know aarch64).
  highest=$(readelf --dyn-syms -W "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
  if [ -z "$highest" ]; then
    echo "$binary: no GLIBC symbol versions found" >&2
    return 1
  fi
  if [ "$(printf '%s\n%s\n' "$highest" "$GLIBC_MAX" | sort -V | tail -n 1)" != "$GLIBC_MAX" ]; then
    echo "$binary needs GLIBC_$highest, above $GLIBC_MAX:" >&2
    readelf --dyn-syms -W "$binary" | grep "GLIBC_$highest" >&2
    return 1
  fi
  echo "$binary: highest GLIBC symbol version $highest (at most $GLIBC_MAX)"
}

if [ "${1:-}" = "--check-only" ]; then
  check_glibc "$2"
  exit
fi

dev=""
arches=()
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    x86_64 | aarch64) arches+=("$arg") ;;
    *) echo "unknown argument $arg (expected --dev, x86_64 or aarch64)" >&2; exit 2 ;;
  esac
done
[ ${#arches[@]} -eq 0 ] && arches=(x86_64 aarch64)

# The toolchain: zig from PyPI in a private virtual environment, cargo-zigbuild from crates.io.
if [ ! -x target/zig-venv/bin/python-zig ] && [ ! -x target/zig-venv/bin/zig ]; then
  python3 -m venv target/zig-venv
  target/zig-venv/bin/pip install --quiet ziglang
fi
export PATH="$PWD/target/zig-venv/bin:$PATH"
command -v cargo-zigbuild >/dev/null || cargo install --locked cargo-zigbuild
for arch in "${arches[@]}"; do
  triple=$arch-unknown-linux-gnu
  # The standard library for the target: already there on these machines (rustup lists it), so
  # nothing is fetched then; a clear failure when it is missing and cannot be fetched.
  rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
  started=$(date +%s)
  if [ -n "$dev" ]; then
    cargo zigbuild --locked --target "$triple.$GLIBC_MAX" --bin wardflow
    echo "$triple: debug build $(( $(date +%s) - started )) s"
    check_glibc "target/$triple/debug/wardflow"
  else
    scripts/package.sh --target "$triple.$GLIBC_MAX" --cargo-build zigbuild
    echo "$triple: release build and package $(( $(date +%s) - started )) s"
    check_glibc "target/$triple/release/wardflow"
  fi
done
echo "LoongArch (loongarch64-unknown-linux-gnu): not built yet."
