// The certificate verifier (issue 15). The certificate is the URL's fragment: a compact JWS signed with ES256.
// It is checked here with WebCrypto against the published keys (/.well-known/cordon/keys.json), which are kept in
// localStorage so a checkpoint without network still verifies. Online, the status endpoint adds "superseded" or
// "revoked". Nothing of the certificate is sent anywhere: the status question carries its number only.
(function () {
  "use strict";

  var KEYS = "cordon-cert-keys";
  var verdict = document.getElementById("verdict");
  var facts = document.getElementById("facts");

  function text(name) { return verdict.getAttribute("data-" + name) || name; }

  function show(state, message) {
    verdict.className = "verdict " + state;
    verdict.textContent = message || text(state);
  }

  function bytes(b64url) {
    var s = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var raw = atob(s);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  // Canonical base64url only: a last character differing in its unused bits alone would decode to the same bytes.
  function canonical(b64url) {
    try {
      var raw = bytes(b64url);
      var s = "";
      for (var i = 0; i < raw.length; i++) { s += String.fromCharCode(raw[i]); }
      return b64url.length > 0 && btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") === b64url;
    } catch (e) { return false; }
  }

  function json(b64url) { return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes(b64url))); }

  function stored() {
    try { return JSON.parse(localStorage.getItem(KEYS) || "null"); } catch (e) { return null; }
  }

  // The keys from the network when there is one (and keep them), else the kept copy.
  function keys(kid) {
    var kept = stored();
    var known = kept && kept.keys && kept.keys.some(function (k) { return k.kid === kid; });
    var fresh = fetch("/.well-known/cordon/keys.json", { cache: "no-cache" }).then(function (r) {
      if (!r.ok) { throw new Error("keys"); }
      return r.json();
    }).then(function (set) {
      try { localStorage.setItem(KEYS, JSON.stringify(set)); } catch (e) { /* private mode: verify anyway */ }
      return set;
    });
    return known ? Promise.resolve(kept) : fresh.catch(function () { return kept; });
  }

  function status(number) {
    if (!navigator.onLine) { return Promise.resolve(null); }
    return fetch("/api/v1/certificates/" + encodeURIComponent(number) + "/status", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { return s && s.status; })
      .catch(function () { return null; });
  }

  function fill(p) {
    var values = {
      n: p.n, d4: p.d4, p: p.p, iss: [p.iss, p.c].filter(Boolean).join(" · "), id: p.id,
      k: text("kind-" + p.k), period: p.f + " — " + (p.t || text("in-force"))
    };
    Array.prototype.forEach.call(facts.querySelectorAll("[data-field]"), function (dd) {
      dd.textContent = values[dd.getAttribute("data-field")] || "—";
    });
    facts.hidden = false;
  }

  function verify(token) {
    facts.hidden = true;
    var parts = (token || "").split(".");
    if (!token) { show("pending", text("empty")); return Promise.resolve(); }
    if (parts.length !== 3 || !parts.every(canonical)) { show("invalid"); return Promise.resolve(); }
    var header, payload;
    try {
      header = json(parts[0]);
      payload = json(parts[1]);
    } catch (e) {
      show("invalid");
      return Promise.resolve();
    }
    if (header.alg !== "ES256" || !header.kid || !window.crypto || !crypto.subtle) { show("invalid"); return Promise.resolve(); }
    show("pending", text("checking"));
    return keys(header.kid).then(function (set) {
      var jwk = set && set.keys && set.keys.filter(function (k) { return k.kid === header.kid; })[0];
      if (!jwk) { show("invalid", set ? text("invalid") : text("nokeys")); return; }
      return crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])
        .then(function (key) {
          return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, bytes(parts[2]), new TextEncoder().encode(parts[0] + "." + parts[1]));
        })
        .then(function (ok) {
          if (!ok) { show("invalid"); return; }
          fill(payload);
          show("valid");
          return status(payload.id).then(function (s) {
            if (s === "superseded" || s === "revoked") { show(s); }
            else if (s === null && !navigator.onLine) { show("valid", text("valid") + " · " + text("offline")); }
          });
        });
    }).catch(function () { show("invalid"); });
  }

  function fromHash() { return verify(decodeURIComponent(location.hash.replace(/^#/, ""))); }

  window.addEventListener("hashchange", fromHash);
  fromHash();

  var button = document.getElementById("scan");
  if (button && window.CordonField) {
    var camera = window.CordonField.camera(document.getElementById("camera"), button.getAttribute("data-camera-script"), function (decoded) {
      var at = decoded.indexOf("#");
      if (at >= 0) { location.hash = decoded.slice(at + 1); } else { show("invalid"); }
    });
    button.addEventListener("click", function () {
      camera.toggle().catch(function () { show("pending", text("camera-failed")); });
    });
  } else if (button) {
    button.hidden = true;
  }

  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js").catch(function () { }); }
})();
