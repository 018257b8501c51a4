// The sampler's screen. One field takes everything a scanner, the camera or a thumb produces:
// a tube barcode sets the current tube, a sampling code or ID number registers that person into it.
// Every registration carries an id made here, so sending it twice is harmless.
(function () {
  "use strict";

  var root = document.getElementById("sampler");
  var roundSelect = document.getElementById("round");
  if (!root || !roundSelect) {
    return;
  }

  var $ = function (id) { return document.getElementById(id); };
  var scan = $("scan");
  var single = $("single");
  var pointSelect = $("point");
  var state = { tube: null, count: 0, capacity: 0, pending: null, refused: null };

  function text(key) {
    return root.getAttribute("data-msg-" + key) || key;
  }

  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function deviceId() {
    var id = localStorage.getItem("cordon.device");
    if (!id) {
      id = uuid();
      localStorage.setItem("cordon.device", id);
    }
    return id;
  }

  function roundId() { return roundSelect.value; }

  function poolSize() {
    var option = roundSelect.options[roundSelect.selectedIndex];
    return parseInt(option.getAttribute("data-pool"), 10) || 10;
  }

  function storageKey() { return "cordon.sampler." + roundId(); }

  function save() {
    localStorage.setItem(storageKey(), JSON.stringify({ tube: state.tube, count: state.count, capacity: state.capacity }));
  }

  function restore() {
    var saved = JSON.parse(localStorage.getItem(storageKey()) || "null");
    state.tube = saved && saved.tube;
    state.count = saved ? saved.count : 0;
    state.capacity = saved ? saved.capacity : 0;
    state.pending = null;
    filterPoints();
    renderTube();
    show("idle", state.tube ? text("scan-person") : text("scan-tube"), "");
  }

  function filterPoints() {
    Array.prototype.forEach.call(pointSelect.options, function (o) {
      var r = o.getAttribute("data-round");
      o.hidden = r !== null && r !== roundId();
    });
    if (pointSelect.selectedOptions.length && pointSelect.selectedOptions[0].hidden) {
      pointSelect.value = "";
    }
  }

  function renderTube() {
    $("tube-code").textContent = state.tube || "—";
    $("tube-count").textContent = state.count;
    $("tube-capacity").textContent = state.tube ? state.capacity : 0;
    $("seal").disabled = !state.tube;
    var fill = state.capacity ? Math.round(10 * state.count / state.capacity) : 0;
    $("pool-fill").className = "pool-fill fill-" + fill;
  }

  function show(kind, title, detail, visitorButton) {
    var box = $("result");
    box.className = "result " + kind;
    $("result-title").textContent = title;
    $("result-detail").textContent = detail || "";
    $("as-visitor").hidden = !visitorButton;
    $("result-actions").hidden = !visitorButton;
  }

  function clock() {
    return new Date().toLocaleTimeString(document.documentElement.lang || "zh-CN", { hour12: false });
  }

  function recent(line) {
    var li = document.createElement("li");
    li.textContent = clock() + "  " + line;
    var list = $("recent");
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 12) {
      list.removeChild(list.lastChild);
    }
  }

  function classify(raw) {
    var t = raw.trim().toUpperCase().replace(/\s+/g, "");
    if (/^[RV][0-9A-Z]{10}$/.test(t)) { return { kind: "person", body: { samplingCode: t } }; }
    if (/^\d{17}[\dX]$/.test(t) || /^\d{15}$/.test(t)) { return { kind: "person", body: { documentNumber: t } }; }
    if (/^[A-Z0-9]{1,32}$/.test(t)) { return { kind: "tube", code: t }; }
    return { kind: "invalid" };
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      // Answers in the language of the page, not of the browser.
      headers: { "Content-Type": "application/json", "Accept-Language": document.documentElement.lang || "zh-CN", "RequestVerificationToken": window.Cordon.token() },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.text().then(function (t) {
        return { status: response.status, data: t ? JSON.parse(t) : null };
      });
    });
  }

  function setTube(code) {
    return api("GET", "/api/v1/sampling/tubes/" + encodeURIComponent(code)).then(function (r) {
      if (r.status === 200) {
        if (r.data.sealed) {
          show("bad", text("sealed"), code);
          return false;
        }
        state.count = r.data.count;
        state.capacity = r.data.capacity;
      } else {
        state.count = 0;
        state.capacity = single.checked ? 1 : poolSize();
      }
      state.tube = code;
      save();
      renderTube();
      show("idle", text("tube-set") + " " + code, text("scan-person"));
      return true;
    }).catch(function () {
      // Offline or the server is away: trust the tube; registration will tell.
      state.tube = code;
      state.count = 0;
      state.capacity = single.checked ? 1 : poolSize();
      save();
      renderTube();
      show("idle", text("tube-set") + " " + code, text("scan-person"));
      return true;
    });
  }

  function register(person, extra) {
    var body = Object.assign({
      id: uuid(),
      roundId: roundId(),
      tubeCode: state.tube,
      takenAt: new Date().toISOString(),
      single: single.checked,
      pointId: pointSelect.value || null,
      deviceId: deviceId()
    }, person, extra || {});
    show("wait", "…", "");
    return api("POST", "/api/v1/sampling/records", body).then(function (r) {
      if (r.status === 201 || r.status === 200) {
        var rec = r.data;
        state.count = rec.position;
        state.capacity = rec.capacity;
        state.pending = null;
        state.refused = null;
        show("ok", "✓ " + rec.name + "  " + rec.position + "/" + rec.capacity, rec.address || "");
        recent(rec.name + "  " + rec.tubeCode + " " + rec.position + "/" + rec.capacity);
        if (rec.tubeSealed) {
          state.tube = null;
          single.checked = false;
          show("ok", "✓ " + rec.name + "  " + rec.position + "/" + rec.capacity, text("tube-full"));
        }
        save();
        renderTube();
        return;
      }
      var code = r.data && r.data.code;
      var detail = (r.data && r.data.detail) || text("server");
      if (code === "tube_full" || code === "tube_sealed" || code === "tube_other_round") {
        state.tube = null;
        state.pending = person;
        save();
        renderTube();
        show("bad", detail, text("scan-tube"));
      } else if (code === "single_tube_required") {
        state.tube = null;
        state.pending = person;
        single.checked = true;
        save();
        renderTube();
        show("bad", detail, text("single"));
      } else if (code === "outside_scope") {
        state.refused = person;
        show("bad", detail, "", true);
      } else {
        show("bad", detail, "");
      }
    }).catch(function () {
      state.pending = person;
      show("bad", text("network"), "");
    });
  }

  function handle(raw) {
    var item = classify(raw);
    if (item.kind === "invalid") {
      return;
    }
    if (item.kind === "tube") {
      setTube(item.code).then(function (ok) {
        if (ok && state.pending) {
          register(state.pending);
        }
      });
      return;
    }
    if (!state.tube) {
      state.pending = item.body;
      show("wait", text("pending"), text("scan-tube"));
      return;
    }
    register(item.body);
  }

  $("scan-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var value = scan.value;
    scan.value = "";
    if (value.trim()) {
      handle(value);
    }
    scan.focus();
  });

  $("seal").addEventListener("click", function () {
    if (!state.tube) { return; }
    var code = state.tube;
    api("POST", "/api/v1/sampling/tubes/" + encodeURIComponent(code) + "/seal").then(function () {
      recent(code + " " + text("sealed"));
      state.tube = null;
      single.checked = false;
      save();
      renderTube();
      show("idle", text("sealed") + " " + code, text("scan-tube"));
      scan.focus();
    });
  });

  $("as-visitor").addEventListener("click", function () {
    var reason = window.prompt(text("visitor-done"));
    if (reason && state.refused) {
      register(state.refused, { outOfScopeReason: reason });
    }
  });

  $("visitor-open").addEventListener("click", function () {
    $("visitor-form").hidden = false;
    $("v-name").focus();
  });
  $("visitor-cancel").addEventListener("click", function () {
    $("visitor-form").hidden = true;
    scan.focus();
  });
  $("visitor-form").addEventListener("submit", function (e) {
    e.preventDefault();
    api("POST", "/api/v1/testing/rounds/" + roundId() + "/visitors", {
      name: $("v-name").value, documentNumber: $("v-doc").value || null, phone: $("v-phone").value || null, reason: $("v-reason").value
    }).then(function (r) {
      if (r.status !== 201) {
        show("bad", (r.data && r.data.detail) || text("server"), "");
        return;
      }
      $("visitor-form").hidden = true;
      $("visitor-form").reset();
      if (state.tube) {
        register({ samplingCode: r.data.samplingCode });
      } else {
        state.pending = { samplingCode: r.data.samplingCode };
        show("wait", text("pending"), text("scan-tube"));
      }
    });
  });

  var camera = null;
  $("camera").addEventListener("click", function () {
    var view = $("camera-view");
    if (camera) {
      camera.stop().then(function () { camera.clear(); camera = null; view.hidden = true; });
      return;
    }
    view.hidden = false;
    camera = new Html5Qrcode("camera-view");
    var last = "";
    var lastAt = 0;
    camera.start({ facingMode: "environment" }, { fps: 10, qrbox: 220 }, function (decoded) {
      var now = Date.now();
      if (decoded === last && now - lastAt < 2500) { return; }
      last = decoded;
      lastAt = now;
      handle(decoded);
    }).catch(function () {
      show("bad", text("camera-error"), "");
      view.hidden = true;
      camera = null;
    });
  });

  roundSelect.addEventListener("change", restore);
  single.addEventListener("change", function () { scan.focus(); });
  restore();
  scan.focus();
})();
