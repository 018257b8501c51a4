#!/usr/bin/env bash
# Re-vendors the browser libraries into src/Cordon/wwwroot/lib with their licences.
# Needs npm only when a version changes; CI uses the committed copies.
set -euo pipefail
cd "$(dirname "$0")"
npm install --save-exact --no-audit --no-fund
lib=../../src/Cordon/wwwroot/lib
# copy <folder> <package> <file in package> <licence file in package>
copy() {
  mkdir -p "$lib/$1"
  cp "node_modules/$2/$3" "$lib/$1/"
  if [ -f "node_modules/$2/$4" ]; then
    cp "node_modules/$2/$4" "$lib/$1/LICENSE"
  else # no licence file shipped: record the licence its package.json declares
    node -e 'const p=require(process.argv[1]);console.log(`${p.name} ${p.version} is licensed under ${p.license} (declared in its package.json; the package ships no licence file).`)' \
      "$PWD/node_modules/$2/package.json" > "$lib/$1/LICENSE"
  fi
}
copy htmx htmx.org dist/htmx.min.js LICENSE
copy echarts echarts dist/echarts.min.js LICENSE
copy html5-qrcode html5-qrcode html5-qrcode.min.js LICENSE
copy idb-keyval idb-keyval dist/umd.js LICENCE
copy signalr @microsoft/signalr dist/browser/signalr.min.js LICENSE
ls -lR "$lib"
