// The sampler's screen. One field takes everything a scanner, the camera or a thumb produces:
// a tube barcode sets the current tube, a sampling code or ID number registers that person into it.
//
// Works with the network down: every registration is first written to a queue in IndexedDB with an
// id and a sequence number made on this device, then sent in batches to /api/v1/sampling/records:batch.
// A record leaves the queue only when the server has answered for it; a refusal stays on the device
// as a conflict (and in the supervisors' inbox). The round's roster (sampling code → masked name and
// flat) and its open tubes are kept on the device so the pool counter and "already sampled" keep working.
(function () {
  "use strict";

  var root = document.getElementById("sampler");
  var roundSelect = document.getElementById("round");
  if (!root || !roundSelect) {
    return;
  }

  var store = window.idbKeyval;
  var $ = function (id) { return document.getElementById(id); };
  var scan = $("scan");
  var single = $("single");
  var pointSelect = $("point");
  var state = { tube: null, count: 0, capacity: 0, pending: null, refused: null };
  var roster = null;
  var flushing = null;

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

  // ---- Device storage ------------------------------------------------------------------------

  function queue() { return store.get("queue").then(function (q) { return q || []; }); }

  function saveQueue(q) { return store.set("queue", q); }

  // Every change to the queue goes through this, one at a time, so two writes never lose each other.
  var queueLock = Promise.resolve();
  function withQueue(change) {
    var next = queueLock.then(function () {
      return queue().then(function (q) {
        var result = change(q);
        return saveQueue(q).then(function () { return result; });
      });
    });
    queueLock = next.catch(function () { });
    return next;
  }

  function nextSequence() {
    return store.update("sequence", function (n) { return (n || 0) + 1; }).then(function () { return store.get("sequence"); });
  }

  function stateKey() { return "cordon.sampler." + roundId(); }

  function saveState() {
    localStorage.setItem(stateKey(), JSON.stringify({ tube: state.tube, count: state.count, capacity: state.capacity }));
    if (roster && state.tube) {
      roster.tubes[state.tube] = { count: state.count, capacity: state.capacity, sealed: false };
      store.set("roster:" + roundId(), roster);
    }
  }

  function loadRoster() {
    var id = roundId();
    return store.get("roster:" + id).then(function (cached) {
      roster = cached || null;
      return fetch("/api/v1/testing/rounds/" + id + "/roster", { credentials: "same-origin", headers: { "Accept-Language": lang() } })
        .then(function (response) {
          if (!response.ok) { throw new Error("roster " + response.status); }
          return response.json();
        })
        .then(function (data) {
          var fresh = { round: id, people: {}, sampled: {}, tubes: {}, fetchedAt: Date.now() };
          data.people.forEach(function (p) { fresh.people[p.code] = { name: p.name, address: p.address, single: p.single }; });
          data.sampled.forEach(function (code) { fresh.sampled[code] = true; });
          data.tubes.forEach(function (t) { fresh.tubes[t.tubeCode] = { count: t.count, capacity: t.capacity, sealed: t.sealed }; });
          return queue().then(function (q) {
            // What this device registered and has not sent yet still counts.
            q.filter(function (item) { return item.body.roundId === id && item.status === "pending" && item.body.samplingCode; })
              .forEach(function (item) { fresh.sampled[item.body.samplingCode] = true; });
            roster = fresh;
            return store.set("roster:" + id, fresh);
          });
        })
        .catch(function () { /* offline: keep the cached roster */ });
    });
  }

  function lang() { return document.documentElement.lang || "zh-CN"; }

  // ---- Screen ---------------------------------------------------------------------------------

  function restore() {
    var saved = JSON.parse(localStorage.getItem(stateKey()) || "null");
    state.tube = saved && saved.tube;
    state.count = saved ? saved.count : 0;
    state.capacity = saved ? saved.capacity : 0;
    state.pending = null;
    filterPoints();
    renderTube();
    show("idle", state.tube ? text("scan-person") : text("scan-tube"), "");
    loadRoster().then(renderQueue);
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
    $("tube-count").textContent = state.tube ? state.count : 0;
    $("tube-capacity").textContent = state.tube ? state.capacity : 0;
    $("seal").disabled = !state.tube;
    var fill = state.tube && state.capacity ? Math.round(10 * state.count / state.capacity) : 0;
    $("pool-fill").className = "pool-fill fill-" + fill;
  }

  function renderQueue() {
    return queue().then(function (q) {
      var waiting = q.filter(function (i) { return i.status === "pending"; }).length;
      var conflicts = q.filter(function (i) { return i.status === "conflict"; });
      $("waiting-count").textContent = waiting;
      $("waiting").hidden = waiting === 0;
      $("conflict-count").textContent = conflicts.length;
      $("conflicts").hidden = conflicts.length === 0;
      var list = $("conflict-list");
      list.textContent = "";
      conflicts.forEach(function (c) {
        var li = document.createElement("li");
        li.textContent = (c.name || c.body.samplingCode || c.body.documentNumber || "") + " → " + c.body.tubeCode + ": " + (c.detail || c.code);
        list.appendChild(li);
      });
      $("offline").hidden = navigator.onLine;
    });
  }

  function show(kind, title, detail, visitorButton) {
    var box = $("result");
    box.className = "result " + kind;
    $("result-title").textContent = title;
    $("result-detail").textContent = detail || "";
    $("as-visitor").hidden = !visitorButton;
    $("result-actions").hidden = !visitorButton;
  }

  // Times read as the sub-district's clock (Asia/Shanghai unless configured), whatever the device is set to.
  function clock() {
    var zone = $("sampler").dataset.timeZone;
    try {
      return new Date().toLocaleTimeString(lang(), { hour12: false, timeZone: zone });
    } catch (e) {
      return new Date().toLocaleTimeString(lang(), { hour12: false });
    }
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
    var address = /^(\d+)号?(?:[-—－](\d{1,2})(?:单元)?[-—－]?|(\d{1,2})单元)?([A-Z]?\d{3,4})室?$/.exec(t);
    if (address && /[-号单]/.test(t)) {
      return { kind: "address", building: address[1] + "号", entrance: address[2] || address[3] || null, room: address[4] };
    }
    if (/^[A-Z0-9]{1,32}$/.test(t)) { return { kind: "tube", code: t }; }
    return { kind: "invalid" };
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      // Answers in the language of the page, not of the browser.
      headers: { "Content-Type": "application/json", "Accept-Language": lang(), "RequestVerificationToken": window.Cordon.token() },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
        return { status: response.status, data: data };
      });
    });
  }

  // ---- Tubes ----------------------------------------------------------------------------------

  function useTube(code, count, capacity) {
    state.tube = code;
    state.count = count;
    state.capacity = capacity;
    saveState();
    renderTube();
    show("idle", text("tube-set") + " " + code, text("scan-person"));
    return true;
  }

  function setTube(code) {
    var known = roster && roster.tubes[code];
    return api("GET", "/api/v1/sampling/tubes/" + encodeURIComponent(code)).then(function (r) {
      if (r.status === 200) {
        if (r.data.sealed) {
          show("bad", text("sealed"), code);
          return false;
        }
        return useTube(code, Math.max(r.data.count, known ? known.count : 0), r.data.capacity);
      }
      if (r.status === 404 || r.status === 422) {
        return useTube(code, known ? known.count : 0, known ? known.capacity : (single.checked ? 1 : poolSize()));
      }
      throw new Error("tube " + r.status);
    }).catch(function () {
      // No network: what this device knows of the tube.
      if (known && (known.sealed || known.count >= known.capacity)) {
        show("bad", text("tube-full"), code);
        return false;
      }
      return useTube(code, known ? known.count : 0, known ? known.capacity : (single.checked ? 1 : poolSize()));
    });
  }

  // ---- Registration ---------------------------------------------------------------------------

  function localRefusal(person) {
    if (!roster || !person.samplingCode) { return null; }
    if (roster.sampled[person.samplingCode]) { return text("local-already"); }
    var known = roster.people[person.samplingCode];
    if (known && known.single && state.capacity > 1) { return text("single"); }
    if (state.count >= state.capacity) { return text("tube-full"); }
    return null;
  }

  function register(person, extra) {
    var refusal = localRefusal(person);
    if (refusal && !(extra && extra.outOfScopeReason)) {
      show("bad", refusal, "");
      return Promise.resolve();
    }
    var known = roster && person.samplingCode ? roster.people[person.samplingCode] : null;
    return nextSequence().then(function (sequence) {
      var body = Object.assign({
        id: uuid(),
        roundId: roundId(),
        tubeCode: state.tube,
        takenAt: new Date().toISOString(),
        single: single.checked || state.capacity === 1,
        pointId: pointSelect.value || null,
        deviceId: deviceId(),
        deviceSequence: sequence
      }, person, extra || {});
      var item = { id: body.id, body: body, status: "pending", name: known ? known.name : "", at: Date.now() };
      // Stored on the device before anything else: a dead battery or a lost network loses nothing.
      return withQueue(function (q) { q.push(item); }).then(function () {
        state.count += 1;
        if (roster && person.samplingCode) { roster.sampled[person.samplingCode] = true; }
        var full = state.count >= state.capacity;
        var line = (item.name || person.samplingCode || person.documentNumber) + "  " + state.tube + " " + state.count + "/" + state.capacity;
        var tube = state.tube;
        if (full) {
          if (roster) { roster.tubes[tube] = { count: state.count, capacity: state.capacity, sealed: true }; }
          state.tube = null;
          single.checked = false;
        }
        saveState();
        renderTube();
        show("wait", "✓ " + line, text("saved-on-device"));
        return send(item).then(function (answer) {
          if (!answer) {
            show("ok", "✓ " + line, text("saved-on-device") + (full ? " · " + text("tube-full") : ""));
            recent(line + " · " + text("waiting"));
            return renderQueue();
          }
          if (answer.ok) {
            var rec = answer.record;
            show("ok", "✓ " + rec.name + "  " + rec.position + "/" + rec.capacity, rec.address + (rec.tubeSealed ? " · " + text("tube-full") : ""));
            recent(rec.name + "  " + rec.tubeCode + " " + rec.position + "/" + rec.capacity);
            return renderQueue();
          }
          // Refused by the server while the sampler watches: undo the local count and say why.
          if (tube === state.tube || full) {
            state.tube = tube;
            state.count = Math.max(0, state.count - (full ? 0 : 1));
            state.capacity = state.capacity || poolSize();
          }
          return handleRefusal(answer, person, tube);
        });
      });
    });
  }

  // The sample just taken: alone through the single endpoint when nothing older waits (the sampler
  // sees the answer at once); behind the backlog through the batch otherwise, keeping device order.
  function send(item) {
    return queue().then(function (q) {
      var older = q.some(function (i) { return i.status === "pending" && i.id !== item.id; });
      if (older) {
        return flush().then(function (answers) {
          var answer = answers[item.id];
          // Behind a backlog a refusal is a conflict like any other: kept on the device and in the inbox.
          return answer && answer.ok ? answer : null;
        });
      }
      return api("POST", "/api/v1/sampling/records", item.body).then(function (r) {
        if (r.status === 201 || r.status === 200) {
          return withQueue(function (current) { remove(current, item.id); }).then(function () {
            return { ok: true, record: r.data, id: item.id };
          });
        }
        if (r.status >= 400 && r.status < 500 && r.data && r.data.code) {
          return { ok: false, code: r.data.code, detail: r.data.detail, id: item.id };
        }
        return null;
      }).catch(function () { return null; });
    });
  }

  function remove(q, id) {
    var index = q.findIndex(function (i) { return i.id === id; });
    if (index >= 0) { q.splice(index, 1); }
  }

  function handleRefusal(answer, person, tube) {
    var code = answer.code;
    var detail = answer.detail || text("server");
    if (roster && person.samplingCode && code !== "already_sampled") { delete roster.sampled[person.samplingCode]; }
    if (code === "tube_full" || code === "tube_sealed" || code === "tube_other_round") {
      state.tube = null;
      state.pending = person;
      show("bad", detail, text("scan-tube"));
    } else if (code === "single_tube_required") {
      state.tube = null;
      state.pending = person;
      single.checked = true;
      show("bad", detail, text("single"));
    } else if (code === "outside_scope") {
      state.refused = person;
      show("bad", detail, "", true);
    } else {
      if (tube && state.tube === tube) { refreshTube(tube); }
      show("bad", detail, "");
    }
    saveState();
    renderTube();
    // Seen and handled here on the screen: the device need not keep it as a conflict.
    return withQueue(function (q) { remove(q, answer.id); }).then(renderQueue);
  }

  function refreshTube(code) {
    api("GET", "/api/v1/sampling/tubes/" + encodeURIComponent(code)).then(function (r) {
      if (r.status === 200 && state.tube === code) {
        state.count = r.data.count;
        state.capacity = r.data.capacity;
        if (r.data.sealed) { state.tube = null; }
        saveState();
        renderTube();
      }
    }).catch(function () { });
  }

  // ---- Sync -----------------------------------------------------------------------------------

  // Sends what waits, in device order, 200 at a time. Resolves with the server's answer per id.
  function flush() {
    if (flushing) { return flushing.then(function () { return flush(); }); }
    flushing = queue().then(function (q) {
      var pending = q.filter(function (i) { return i.status === "pending"; })
        .sort(function (a, b) { return a.body.deviceSequence - b.body.deviceSequence; }).slice(0, 200);
      if (pending.length === 0) { return {}; }
      return api("POST", "/api/v1/sampling/records:batch", pending.map(function (i) { return i.body; })).then(function (r) {
        if (r.status !== 200 || !Array.isArray(r.data)) { return {}; }
        var answers = {};
        r.data.forEach(function (result) {
          if (result.status === 201 || result.status === 200) {
            answers[result.id] = { ok: true, record: result.record, id: result.id };
          } else if (result.status !== 503) {
            answers[result.id] = { ok: false, code: result.code, detail: result.detail, id: result.id };
          }
        });
        return withQueue(function (current) {
          for (var i = current.length - 1; i >= 0; i--) {
            var answer = answers[current[i].id];
            if (!answer) { continue; }
            if (answer.ok) {
              current.splice(i, 1);
            } else {
              current[i].status = "conflict";
              current[i].code = answer.code;
              current[i].detail = answer.detail;
            }
          }
        }).then(function () { return answers; });
      }).catch(function () { return {}; });
    }).then(function (answers) {
      flushing = null;
      renderQueue();
      return answers;
    }, function () {
      flushing = null;
      return {};
    });
    return flushing;
  }

  function flushAll() {
    return flush().then(function (answers) {
      return queue().then(function (q) {
        var more = q.some(function (i) { return i.status === "pending"; });
        return more && Object.keys(answers).length > 0 ? flushAll() : null;
      });
    }).then(wipeClosedRounds);
  }

  // A closed round's roster leaves the device once nothing of it waits to be sent.
  function wipeClosedRounds() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return Promise.all([store.keys(), queue()]).then(function (values) {
      var keys = values[0].filter(function (k) { return typeof k === "string" && k.indexOf("roster:") === 0; });
      var q = values[1];
      return Promise.all(keys.map(function (key) {
        var id = key.slice(7);
        if (q.some(function (i) { return i.body.roundId === id && i.status === "pending"; })) { return null; }
        return api("GET", "/api/v1/testing/rounds/" + id).then(function (r) {
          if (r.status === 404 || (r.status === 200 && r.data.status === "closed")) {
            localStorage.removeItem("cordon.sampler." + id);
            return store.del(key);
          }
          return null;
        }).catch(function () { return null; });
      }));
    });
  }

  function checkStorage() {
    if (!navigator.storage) { return; }
    if (navigator.storage.persist) { navigator.storage.persist(); }
    if (navigator.storage.estimate) {
      navigator.storage.estimate().then(function (e) {
        var free = (e.quota || 0) - (e.usage || 0);
        $("storage-low").hidden = !(e.quota && (free < 50 * 1024 * 1024 || e.usage / e.quota > 0.9));
      });
    }
  }

  // ---- Input ----------------------------------------------------------------------------------

  // 12-3-502 or 12号502: the people of that flat from the device's roster, as big buttons.
  function pick(item) {
    var box = $("pick");
    box.textContent = "";
    var matches = [];
    if (roster) {
      Object.keys(roster.people).forEach(function (code) {
        var p = roster.people[code];
        var a = p.address || "";
        var exact = item.entrance ? a === item.building + "-" + item.entrance + "-" + item.room : a === item.building + item.room;
        var anyEntrance = !item.entrance && a.indexOf(item.building + "-") === 0 && a.slice(-item.room.length - 1) === "-" + item.room;
        if (exact || anyEntrance) { matches.push({ code: code, person: p }); }
      });
    }
    if (matches.length === 0) {
      show("bad", text("pick-none"), "");
      return;
    }
    matches.sort(function (a, b) { return a.person.name < b.person.name ? -1 : 1; });
    matches.forEach(function (m) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = m.person.name + " · " + m.person.address + (roster.sampled[m.code] ? " ✓" : "");
      button.disabled = !!roster.sampled[m.code];
      button.addEventListener("click", function () {
        box.textContent = "";
        handle(m.code);
      });
      box.appendChild(button);
    });
    show("idle", text("pick-flat"), "");
  }

  function handle(raw) {
    var item = classify(raw);
    if (item.kind === "invalid") {
      return;
    }
    if (item.kind === "address") {
      pick(item);
      return;
    }
    if (item.kind === "tube") {
      setTube(item.code).then(function (ok) {
        if (ok && state.pending) {
          var person = state.pending;
          state.pending = null;
          register(person);
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
    if (roster) { roster.tubes[code] = { count: state.count, capacity: state.capacity, sealed: true }; }
    state.tube = null;
    single.checked = false;
    saveState();
    renderTube();
    show("idle", text("sealed") + " " + code, text("scan-tube"));
    recent(code + " " + text("sealed"));
    api("POST", "/api/v1/sampling/tubes/" + encodeURIComponent(code) + "/seal").catch(function () { });
    scan.focus();
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
      if (roster) { roster.people[r.data.samplingCode] = { name: "", address: "", single: false }; }
      if (state.tube) {
        register({ samplingCode: r.data.samplingCode });
      } else {
        state.pending = { samplingCode: r.data.samplingCode };
        show("wait", text("pending"), text("scan-tube"));
      }
    }).catch(function () { show("bad", text("network"), ""); });
  });

  $("conflicts-clear").addEventListener("click", function () {
    withQueue(function (q) {
      for (var i = q.length - 1; i >= 0; i--) {
        if (q[i].status === "conflict") { q.splice(i, 1); }
      }
    }).then(renderQueue);
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
  window.addEventListener("online", function () { renderQueue(); flushAll(); });
  window.addEventListener("offline", renderQueue);
  setInterval(function () { if (navigator.onLine) { flushAll(); } }, 15000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { });
  }
  checkStorage();
  restore();
  flushAll();
  scan.focus();

  window.Cordon.sampler = { flush: flushAll, queue: queue };
})();
