#!/usr/bin/env bash
# System packages geomap uses, all from Debian's registry:
#  - chromium + chromium-driver: the browser tests open output/map.html as a user would;
#  - qgis-common: only its Natural Earth admin-1 GeoPackage (world_map.gpkg) is used, extracted without
#    installing the package (that would pull Qt), into the geomap cache where the gazetteer builder looks.
# Prints what it skips; never fails the set-up for a missing optional piece.
set -u
cache="${GEOMAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/geomap}"
gpkg="$cache/debian/usr/share/qgis/resources/data/world_map.gpkg"
sudo=""
if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null && sudo="sudo -n"; fi
have_apt() { command -v apt-get >/dev/null 2>&1; }
updated=""
apt_update() { [ -n "$updated" ] || { $sudo apt-get update -qq >/dev/null 2>&1 || true; updated=1; }; }

if [ ! -f "$gpkg" ] && [ ! -f /usr/share/qgis/resources/data/world_map.gpkg ]; then
  if have_apt; then
    apt_update
    tmp=$(mktemp -d)
    if (cd "$tmp" && apt-get download -qq qgis-common >/dev/null 2>&1); then
      mkdir -p "$cache/debian" && dpkg -x "$tmp"/qgis-common_*.deb "$tmp/x" \
        && mkdir -p "$(dirname "$gpkg")" \
        && cp "$tmp/x/usr/share/qgis/resources/data/world_map.gpkg" "$tmp/x/usr/share/qgis/resources/data/README_world_map.md" "$(dirname "$gpkg")/"
      echo "install-system-deps: admin-1 polygons from Debian qgis-common -> $gpkg"
    else
      echo "install-system-deps: could not fetch qgis-common; regions will have no polygons" >&2
    fi
    rm -rf "$tmp"
  else
    echo "install-system-deps: no apt-get; regions will have no polygons" >&2
  fi
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if have_apt; then
    apt_update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 \
      && echo "install-system-deps: chromium installed" \
      || echo "install-system-deps: could not install chromium; browser tests will be skipped" >&2
  else
    echo "install-system-deps: no apt-get; browser tests will be skipped" >&2
  fi
fi
exit 0
