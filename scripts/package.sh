#!/usr/bin/env bash
# Builds the Debian package (cargo-deb) and checks it, as issue 18 asks: lintian with no errors
# (each override justified in dist/debian/lintian-overrides), then `dpkg-deb -x` into a
# throwaway root and, from that tree only, `wardflow --version`, `init` and one case.
#
#   scripts/package.sh                     # release build: the package an office installs
#   scripts/package.sh --profile dev       # the same checks on the debug build (CI: .ci/run)
#   scripts/package.sh --profile dev --no-build   # of the binary already built
#   scripts/package.sh --target x86_64-unknown-linux-gnu.2.28 --cargo-build zigbuild
#                                          # glibc 2.28 (scripts/glibc-2.28.sh drives this)
#
# Needs: cargo-deb (`cargo install cargo-deb`), lintian and dpkg-dev (apt). Leaves the .deb in
# target/package/ and nothing else outside target/.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
target=""
build=build
no_build=""
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --cargo-build) build="$2"; shift 2 ;;
    --no-build) no_build=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# Where cargo puts the binary: target/[TRIPLE/]{debug|PROFILE}/ (a glibc suffix is not part of
# the directory name).
dir=$profile
[ "$profile" = dev ] && dir=debug
triple=${target%.2.*}
out=target/${triple:+$triple/}$dir
target_args=()
[ -n "$target" ] && target_args=(--target "$target")

# A foreign binary cannot be stripped by the host's `strip`: rustc strips it instead.
host=$(rustc -vV | sed -n 's/^host: //p')
foreign=""
if [ -n "$target" ] && [ "$triple" != "$host" ]; then
  foreign=1
  export CARGO_PROFILE_RELEASE_STRIP=symbols
fi

started=$(date +%s)
if [ -z "$no_build" ]; then
  cargo "$build" --locked --profile "$profile" "${target_args[@]}" --bin wardflow
  echo "build: $(( $(date +%s) - started )) s ($profile${target:+, $target})"
fi

# Man pages and completions come from the clap tree of a binary that runs here (a foreign
# target's cannot): the host's debug build of the same sources (the clap tree does not depend on
# the profile, and a second release build would double the time of a cross package).
host_bin=$out/wardflow
if [ -n "$target" ] && ! "$host_bin" --version >/dev/null 2>&1; then
  cargo build --locked --bin wardflow
  host_bin=target/debug/wardflow
fi
rm -rf target/package/man target/package/completions
mkdir -p target/package/completions
"$host_bin" man --out target/package/man
find target/package/man -type f -name '*.1' -exec gzip -9n {} +
"$host_bin" completions bash > target/package/completions/wardflow
"$host_bin" completions zsh > target/package/completions/_wardflow
"$host_bin" completions fish > target/package/completions/wardflow.fish

# A foreign release binary is stripped by rustc (above); a foreign debug build (the CI check)
# is stripped here by the architecture's binutils when they are installed (Debian's
# binutils-aarch64-linux-gnu), as lintian requires of a package.
if [ -n "$foreign" ] && [ "$profile" = dev ] && command -v "${triple%%-*}-linux-gnu-strip" >/dev/null; then
  "${triple%%-*}-linux-gnu-strip" "$out/wardflow"
fi

# cargo-deb reads `target/release/` in the assets as the selected profile's (and target's)
# directory.
deb_args=(--no-build --profile "$profile" --output target/package/)
# The debug build's package is for checking only: light compression (xz of the ~130 MB binary
# takes minutes).
[ "$profile" = dev ] && deb_args+=(--fast)
[ -n "$target" ] && deb_args+=(--target "$triple")
[ -n "$foreign" ] && deb_args+=(--no-strip)
started=$(date +%s)
deb=$(cargo deb "${deb_args[@]}" | tail -n 1)
echo "package: $deb ($(du -h "$deb" | cut -f1)), $(( $(date +%s) - started )) s"

started=$(date +%s)
lintian --fail-on error --display-info "$deb"
echo "lintian: no errors, $(( $(date +%s) - started )) s"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dpkg-deb -x "$deb" "$scratch/root"
root=$scratch/root
for path in usr/bin/wardflow etc/wardflow/config.toml usr/share/wardflow/workflows/entrusted-care.yaml \
    usr/share/wardflow/letters/documents.yaml usr/share/wardflow/profiles/qianjiang.yaml \
    usr/share/wardflow/calendars/china.yaml usr/share/man/man1/wardflow.1.gz \
    usr/share/man/zh_CN/man1/wardflow.1.gz usr/share/bash-completion/completions/wardflow \
    usr/lib/systemd/system/wardflow.service usr/lib/systemd/system/wardflow-runner.service \
    usr/lib/systemd/system/wardflow-backup.service usr/lib/systemd/system/wardflow-backup.timer \
    usr/share/lintian/overrides/wardflow; do
  [ -e "$root/$path" ] || { echo "missing from the package: /$path" >&2; exit 1; }
done

# A binary for another machine runs under qemu's user-mode emulation with that architecture's
# C library (Debian's qemu-user-static and libc6-arm64-cross for aarch64) when they are
# installed; its symbol versions are checked by scripts/glibc-2.28.sh either way.
run=()
if [ -n "$foreign" ]; then
  arch=${triple%%-*}
  if command -v "qemu-$arch-static" >/dev/null && [ -d "/usr/$arch-linux-gnu/lib" ]; then
    run=("qemu-$arch-static" -L "/usr/$arch-linux-gnu")
  else
    echo "package built for $triple: not run (needs qemu-user-static and the $arch C library)"
    exit 0
  fi
fi

# From the unpacked tree only: its binary, its workflows, letters and profiles, and the
# package's own configuration file with the database moved into the scratch directory.
wardflow() { "${run[@]}" "$root/usr/bin/wardflow" "$@"; }
sed "s|/usr/share/wardflow|$root/usr/share/wardflow|; s|^db = .*|db = \"$scratch/wardflow.redb\"|" \
  "$root/etc/wardflow/config.toml" > "$scratch/config.toml"
export WARDFLOW_CONFIG=$scratch/config.toml WARDFLOW_USER=张敏 WARDFLOW_LANG=en
wardflow --version
wardflow init --profile qianjiang --units "$root/usr/share/wardflow/units/example.yaml" \
  --admin 张敏 --admin-role '*'
case_id=$(wardflow case open entrusted-care --as parent \
  --set child.name=李小明 --set child.birth_date=2018-05-01 --set child.sex=male \
  --set parent.name=李强 --set parent.work_place=广东省东莞市 --set parent.phone=13800000000)
wardflow case show "$case_id"
# A throwaway database has no published recipients: its copy is plain (and logged as such).
wardflow backup --plain --dir "$scratch" --keep 1
wardflow check
echo "package checked: $deb"
