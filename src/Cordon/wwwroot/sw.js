// Cordon's service worker: keeps the field pages (the sampler's, the sweep team's, the certificate verifier) and
// their scripts available with no network. All are shells without personal data. The API is never cached: registrations and
// visits wait in the pages' own queues (IndexedDB) instead.
"use strict";

var CACHE = "cordon-field-v4";
var PAGES = ["/Testing/Sample", "/Sweeps/Walk", "/v"];
var ASSETS = [
  "/css/site.css",
  "/js/site.js",
  "/js/offline/queue.js",
  "/js/scan.js",
  "/js/field.js",
  "/js/sampler.js",
  "/js/sweep.js",
  "/js/verify.js",
  "/lib/htmx/htmx.min.js",
  // Not loaded with the page any more (the camera button fetches it), but kept for the camera offline.
  "/lib/html5-qrcode/html5-qrcode.min.js",
  "/lib/idb-keyval/umd.js",
  "/icon.svg",
  "/manifest.webmanifest"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS).then(function () {
      return Promise.all(PAGES.map(function (page) {
        return cache.add(new Request(page, { credentials: "same-origin" })).catch(function () { /* not signed in yet */ });
      }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return;
  }

  // A field page: the network when there is one (and keep that copy), else the last copy.
  var page = url.pathname;
  if (request.mode === "navigate" && PAGES.indexOf(page) >= 0) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(page, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(page, { ignoreSearch: true });
    }));
    return;
  }

  // Scripts, styles, icons: the cached copy at once, refreshed in the background.
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then(function (cached) {
      var network = fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      }).catch(function () { return cached; });
      return cached || network;
    }));
  }
});
