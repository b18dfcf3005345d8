#!/usr/bin/env bash
# Builds the Flowgate Node-RED instance image without any container registry:
# a root filesystem is assembled from this machine's node binary (+ the shared
# libraries it links), a static busybox, CA certificates and node-red from npm,
# then turned into an image with `docker import`.
#
# Usage: build-local.sh [--force] [TAG]
#   TAG                       default: $FLOWGATE_NODE_RED_IMAGE, else flowgate/node-red:$NODE_RED_VERSION
#   --force                   rebuild even if TAG already exists
# Environment:
#   NODE_RED_VERSION          node-red npm version (default 4.1.8)
#   FLOWGATE_NODE_RED_PREFIX  npm prefix holding node_modules/node-red (default <repo>/.tools/node-red);
#                             node-red is installed there if missing
#   NODE_BIN                  node binary to copy (default: the one on PATH)
#   BUSYBOX_BIN               static busybox to copy (default /bin/busybox, Debian busybox-static)
set -euo pipefail

log() { printf '[build-local] %s\n' "$*"; }
die() { printf '[build-local] ERROR: %s\n' "$*" >&2; exit 1; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$script_dir/../.." && pwd)"

force=false
tag_arg=""
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option: $arg" ;;
    *) [[ -z "$tag_arg" ]] || die "only one TAG may be given"; tag_arg="$arg" ;;
  esac
done

version="${NODE_RED_VERSION:-4.1.8}"
tag="${tag_arg:-${FLOWGATE_NODE_RED_IMAGE:-flowgate/node-red:$version}}"
prefix="${FLOWGATE_NODE_RED_PREFIX:-$repo_dir/.tools/node-red}"
node_bin="$(command -v "${NODE_BIN:-node}" || true)"
busybox_bin="${BUSYBOX_BIN:-/bin/busybox}"
settings_src="$script_dir/settings.js"

command -v docker >/dev/null || die "docker CLI not found"
docker info >/dev/null 2>&1 || die "docker daemon not reachable (DOCKER_HOST=${DOCKER_HOST:-default})"

if docker image inspect "$tag" >/dev/null 2>&1 && [[ "$force" != true ]]; then
  log "image $tag already exists; nothing to do (use --force to rebuild)"
  exit 0
fi

[[ -n "$node_bin" && -x "$node_bin" ]] || die "node binary not found (set NODE_BIN)"
node_bin="$(readlink -f "$node_bin")"
[[ -x "$busybox_bin" ]] || die "busybox not found at $busybox_bin (apt-get install busybox-static)"
if ldd "$busybox_bin" >/dev/null 2>&1; then
  die "$busybox_bin is dynamically linked; a static busybox is needed (busybox-static)"
fi
[[ -f "$settings_src" ]] || die "missing $settings_src"
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[[ -f "$ca_bundle" ]] || die "missing $ca_bundle (apt-get install ca-certificates)"

start=$SECONDS

# --- node-red from npm (reused when the prefix already holds this version) ---------
installed_version() {
  local pkg="$prefix/node_modules/node-red/package.json"
  if [[ -f "$pkg" ]]; then
    "$node_bin" -p "require(process.argv[1]).version" "$pkg" 2>/dev/null || true
  fi
}
present="$(installed_version)"
if [[ "$present" == "$version" ]]; then
  log "reusing node-red $version from $prefix"
elif [[ -n "$present" ]]; then
  die "$prefix holds node-red $present, not $version; set FLOWGATE_NODE_RED_PREFIX to another directory"
else
  command -v npm >/dev/null || die "npm not found; cannot install node-red $version"
  log "installing node-red@$version into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --omit=dev --no-audit --no-fund --no-update-notifier "node-red@$version"
  [[ "$(installed_version)" == "$version" ]] || die "node-red $version not found in $prefix after npm install"
fi

# --- root filesystem --------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/flowgate-node-red.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,etc/ssl/certs,tmp,data,usr/bin,usr/src/node-red,usr/lib/node_modules}
chmod 1777 "$root/tmp"

log "node $("$node_bin" --version) from $node_bin"
cp "$node_bin" "$root/usr/bin/node"
ln -s /usr/bin/node "$root/bin/node"

# Shared libraries and the dynamic loader, at the paths ldd reports.
ldd_out="$(ldd "$node_bin")" || die "ldd failed on $node_bin"
while read -r lib; do
  [[ -n "$lib" ]] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done < <(printf '%s\n' "$ldd_out" | awk '/=> \// {print $3} /^[[:space:]]*\// {print $1}')
log "copied $(printf '%s\n' "$ldd_out" | grep -c '/') shared objects"

# Static busybox with all its applets (sh, env, wget, ...).
cp "$busybox_bin" "$root/bin/busybox"
for applet in $("$busybox_bin" --list); do
  [[ -e "$root/bin/$applet" ]] || ln -s busybox "$root/bin/$applet"
done
ln -s /bin/busybox "$root/usr/bin/env"   # for '#!/usr/bin/env node' scripts

# npm, so the palette manager and function-node external modules can install.
npm_dir=""
if npm_path="$(command -v npm)"; then
  npm_dir="$(dirname "$(dirname "$(readlink -f "$npm_path")")")"
fi
if [[ -n "$npm_dir" && -f "$npm_dir/bin/npm-cli.js" ]]; then
  cp -a "$npm_dir" "$root/usr/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
  log "included npm $("$node_bin" "$npm_dir/bin/npm-cli.js" --version 2>/dev/null || echo '?')"
else
  log "npm not found on this machine; image will have no npm (palette installs will fail)"
fi

cp "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"
cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
node-red:x:1000:1000:Node-RED:/usr/src/node-red:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
node-red:x:1000:
nogroup:x:65534:
EOF
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
mkdir -p "$root/root" && chmod 700 "$root/root"

log "copying node-red $version ($(du -sh "$prefix/node_modules" | cut -f1))"
cp -a "$prefix/node_modules" "$root/usr/src/node-red/node_modules"
cp "$settings_src" "$root/usr/src/node-red/settings.js"
cat > "$root/usr/src/node-red/package.json" <<EOF
{ "name": "flowgate-node-red", "private": true, "dependencies": { "node-red": "$version" } }
EOF
chown -R 0:0 "$root"
# Runtime user owns its home and /data; the installed modules stay read-only to it.
chown 1000:1000 "$root/usr/src/node-red" "$root/data"

# --- import -----------------------------------------------------------------------
entrypoint='["/usr/bin/node","/usr/src/node-red/node_modules/node-red/red.js","--userDir","/data","--settings","/usr/src/node-red/settings.js"]'
# Same check as the production Dockerfile: any answer below 500 from the editor root.
healthcheck_js="require('http').get({host:'127.0.0.1',port:process.env.PORT||1880,path:'/',timeout:4000},r=>process.exit(r.statusCode<500?0:1)).on('error',()=>process.exit(1))"
log "importing $tag"
tar --numeric-owner -C "$root" -c . | docker import \
  -c "ENTRYPOINT $entrypoint" \
  -c 'CMD []' \
  -c 'ENV PATH=/usr/src/node-red/node_modules/.bin:/usr/local/bin:/usr/bin:/bin' \
  -c 'ENV HOME=/usr/src/node-red' \
  -c 'ENV NODE_ENV=production' \
  -c 'ENV NODE_PATH=/usr/src/node-red/node_modules:/data/node_modules' \
  -c "ENV NODE_RED_VERSION=$version" \
  -c 'ENV PORT=1880' \
  -c 'WORKDIR /usr/src/node-red' \
  -c 'USER node-red' \
  -c 'EXPOSE 1880' \
  -c 'VOLUME /data' \
  -c "HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD [\"/usr/bin/node\",\"-e\",\"$healthcheck_js\"]" \
  -c "LABEL org.opencontainers.image.title=flowgate-node-red org.opencontainers.image.version=$version io.flowgate.settings-sha256=$(sha256sum "$settings_src" | cut -d' ' -f1)" \
  - "$tag" >/dev/null

size="$(docker image inspect -f '{{.Size}}' "$tag")"
log "built $tag: $((size / 1000000)) MB in $((SECONDS - start)) s"
