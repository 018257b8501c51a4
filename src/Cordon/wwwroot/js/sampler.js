// The sampler's screen. One field takes everything a scanner, the camera or a thumb produces (js/scan.js
// tells them apart): a tube barcode of the round sets the current tube, a sampling code or ID number
// registers that person into it, an address offers the flat's people. Anything else is refused by name and
// changes nothing; leaving a half-full tube for another asks first, and open tubes stay listed.
//
// Works with the network down: every registration is first stored in the "sampling" offline queue
// (js/offline/queue.js, docs/decisions/010), then sent. A record leaves the queue only when the server has
// accepted it; a refusal stays on the device in red, with the server's reason, and is in the supervisors'
// inbox. The round's roster (sampling code → masked name and flat) and its open tubes are kept on the
// device so the pool counter and "already sampled" keep working.
(function () {
  "use strict";

  var root = document.getElementById("sampler");
  var roundSelect = document.getElementById("round");
  if (!root || !roundSelect) {
    return;
  }

  var kv = window.idbKeyval;
  var $ = function (id) { return document.getElementById(id); };
  var scan = $("scan");
  var single = $("single");
  var pointSelect = $("point");
  var BATCH = "/api/v1/sampling/records:batch";
  // open: this device's unsealed tubes that hold samples, current one included: code → { count, capacity }.
  var state = { tube: null, count: 0, capacity: 0, open: {}, pending: null, refused: null };
  var roster = null;
  var lastLength = 0;
  var shown = null;
  // Counts scans: an answer that arrives after the next scan changes the state but not what the screen says.
  var turn = 0;
  var lines = {};
  var screen = { ready: false, readyAt: 0 };

  var question = window.CordonField.question($("ask"), { hide: $("result"), focus: scan });
  var ask = question.ask;
  var dismiss = question.dismiss;

  var samples = window.CordonOffline.queue("sampling", {
    headers: function () { return { "Accept-Language": lang(), "RequestVerificationToken": window.Cordon.token() }; },
    // The single IndexedDB value this screen kept before the queue module: [{ id, body, status, name, code, detail }].
    legacy: {
      key: "queue",
      convert: function (old) {
        if (!old || !old.id || !old.body) { return null; }
        var refused = old.status === "conflict";
        return {
          id: old.id, sequence: old.body.deviceSequence || 0, status: refused ? "refused" : "pending", at: old.at || Date.now(),
          body: old.body, meta: { name: old.name || "", tubeCode: old.body.tubeCode },
          refusal: refused ? { status: 422, code: old.code || "", detail: old.detail || "", zh: old.detail || "", en: old.detail || "", inbox: true } : undefined
        };
      }
    }
  });

  function text(key) {
    var args = Array.prototype.slice.call(arguments, 1);
    return (root.getAttribute("data-msg-" + key) || key).replace(/\{(\d)\}/g, function (m, i) { return args[i] === undefined ? m : args[i]; });
  }

  function lang() { return document.documentElement.lang || "zh-CN"; }

  function english() { return lang().indexOf("en") === 0; }

  function roundId() { return roundSelect.value; }

  function option() { return roundSelect.options[roundSelect.selectedIndex]; }

  function poolSize() { return parseInt(option().getAttribute("data-pool"), 10) || 10; }

  // The round's tube barcodes: the roster's word when the device has it, else what the page was served with.
  function tubeFormat() {
    if (roster && roster.format) { return roster.format; }
    var o = option();
    return { prefix: o.getAttribute("data-tube-prefix") || "", length: parseInt(o.getAttribute("data-tube-length"), 10) || 0 };
  }

  function describeFormat(f) {
    return f.prefix && f.length ? text("format-prefix-length", f.prefix, f.length)
      : f.prefix ? text("format-prefix", f.prefix) : f.length ? text("format-length", f.length) : text("format-any");
  }

  function accepted(status) { return status >= 200 && status < 300; }

  // The server's reason in the page's language (the batch carries both).
  function reason(result) { return (english() ? result.en : result.zh) || result.detail || result.code || text("server"); }

  function masked(number) { return number.length > 2 ? number[0] + "****************".slice(0, number.length - 2) + number.slice(-1) : number; }

  function who(entry) {
    var b = entry.body;
    return (entry.meta && entry.meta.name) || b.samplingCode || (b.documentNumber ? masked(b.documentNumber) : "");
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

  // ---- Device storage ------------------------------------------------------------------------

  function stateKey() { return "cordon.sampler." + roundId(); }

  // A tube with samples that is neither full nor sealed stays listed until it is.
  function track(code, count, capacity, sealed) {
    if (!code) { return; }
    if (sealed || count <= 0 || count >= capacity) {
      delete state.open[code];
    } else {
      state.open[code] = { count: count, capacity: capacity };
    }
  }

  function saveState() {
    track(state.tube, state.count, state.capacity, false);
    localStorage.setItem(stateKey(), JSON.stringify({ tube: state.tube, count: state.count, capacity: state.capacity, open: state.open }));
    if (roster && state.tube) {
      roster.tubes[state.tube] = { count: state.count, capacity: state.capacity, sealed: false };
      kv.set("roster:" + roundId(), roster);
    }
  }

  // The request leaves at once; the device's copy is read meanwhile and serves when there is no network.
  function loadRoster() {
    var id = roundId();
    var request = fetch("/api/v1/testing/rounds/" + id + "/roster", { credentials: "same-origin", headers: { "Accept-Language": lang() } });
    return kv.get("roster:" + id).then(function (cached) {
      roster = cached || null;
      return request
        .then(function (response) {
          if (!response.ok) { throw new Error("roster " + response.status); }
          return response.json();
        })
        .then(function (data) {
          var fresh = { round: id, people: {}, sampled: {}, tubes: {}, fetchedAt: Date.now(), format: { prefix: data.tubePrefix || "", length: data.tubeLength || 0 } };
          data.people.forEach(function (p) { fresh.people[p.code] = { name: p.name, address: p.address, single: p.single }; });
          data.sampled.forEach(function (code) { fresh.sampled[code] = true; });
          data.tubes.forEach(function (t) { fresh.tubes[t.tubeCode] = { count: t.count, capacity: t.capacity, sealed: t.sealed }; });
          return samples.list().then(function (all) {
            // What this device registered and has not sent yet still counts.
            all.filter(function (e) { return e.body.roundId === id && e.status === "pending" && e.body.samplingCode; })
              .forEach(function (e) { fresh.sampled[e.body.samplingCode] = true; });
            roster = fresh;
            return kv.set("roster:" + id, fresh);
          });
        })
        .catch(function () { /* offline: keep the cached roster */ });
    });
  }

  // ---- Screen ---------------------------------------------------------------------------------

  function restore() {
    var saved = JSON.parse(localStorage.getItem(stateKey()) || "null");
    state.tube = saved && saved.tube;
    state.count = saved ? saved.count : 0;
    state.capacity = saved ? saved.capacity : 0;
    state.open = (saved && saved.open) || {};
    state.pending = null;
    lastLength = state.tube ? state.tube.length : 0;
    dismiss();
    filterPoints();
    renderTube();
    show("idle", state.tube ? text("scan-person") : text("scan-tube"), "");
    return loadRoster().then(function () {
      $("tube-format").textContent = text("format", describeFormat(tubeFormat()));
      return renderQueue();
    });
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
    renderOpenTubes();
  }

  // Every half-full tube of this device, so none is forgotten on a table; a tap makes one current again.
  function renderOpenTubes() {
    var list = $("open-tube-list");
    list.textContent = "";
    var codes = Object.keys(state.open);
    codes.forEach(function (code) {
      var t = state.open[code];
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary mono";
      button.textContent = code + "  " + t.count + "/" + t.capacity + (code === state.tube ? " · " + text("current") : "");
      button.setAttribute("aria-pressed", code === state.tube ? "true" : "false");
      button.addEventListener("click", function () {
        if (code !== state.tube) { resumeTube(code); }
        scan.focus();
      });
      li.appendChild(button);
      list.appendChild(li);
    });
    $("open-tubes").hidden = codes.filter(function (c) { return c !== state.tube; }).length === 0;
  }

  function renderQueue() {
    return samples.list().then(function (all) {
      var waiting = all.filter(function (e) { return e.status === "pending"; }).length;
      var refused = all.filter(function (e) { return e.status === "refused"; });
      $("waiting-count").textContent = waiting;
      $("waiting").hidden = waiting === 0;
      $("conflict-count").textContent = refused.length;
      $("conflicts").hidden = refused.length === 0;
      var list = $("conflict-list");
      list.textContent = "";
      refused.forEach(function (e) {
        var li = document.createElement("li");
        li.className = "refused";
        li.textContent = "✗ " + who(e) + " → " + e.body.tubeCode + ": " + reason(e.refusal) + (e.refusal.inbox ? "" : " · " + text("inbox-full"));
        list.appendChild(li);
      });
      $("offline").hidden = navigator.onLine;
    });
  }

  function show(kind, title, detail, options) {
    options = options || {};
    var box = $("result");
    box.className = "result " + kind;
    $("result-title").textContent = title;
    $("result-detail").textContent = detail || "";
    $("as-visitor").hidden = !options.visitor;
    $("result-conflicts").hidden = !options.conflicts;
    $("result-actions").hidden = !(options.visitor || options.conflicts);
    shown = options.id || null;
  }

  // Times read as the sub-district's clock (Asia/Shanghai unless configured), whatever the device is set to.
  function clock() {
    var zone = root.dataset.timeZone;
    try {
      return new Date().toLocaleTimeString(lang(), { hour12: false, timeZone: zone });
    } catch (e) {
      return new Date().toLocaleTimeString(lang(), { hour12: false });
    }
  }

  function recent(line, id, kind) {
    var li = document.createElement("li");
    li.dataset.line = clock() + "  " + line;
    li.textContent = li.dataset.line + (kind === "waiting" ? " · " + text("waiting") : "");
    if (kind) { li.className = kind; }
    var list = $("recent");
    list.insertBefore(li, list.firstChild);
    if (id) { lines[id] = li; }
    while (list.children.length > 12) {
      list.removeChild(list.lastChild);
    }
  }

  // A line of the list once the server has answered for it: as it was, or red with the reason.
  function settle(id, result) {
    var li = lines[id];
    if (!li) { return; }
    li.className = accepted(result.status) ? "ok" : "refused";
    li.textContent = accepted(result.status) ? li.dataset.line : "✗ " + li.dataset.line + " · " + reason(result);
  }

  // ---- Tubes ----------------------------------------------------------------------------------

  function useTube(code, count, capacity, asked) {
    state.tube = code;
    state.count = count;
    state.capacity = capacity;
    lastLength = code.length;
    saveState();
    renderTube();
    if (asked === turn) { show("idle", text("tube-set") + " " + code, text("scan-person")); }
    return true;
  }

  function setTube(code) {
    var asked = turn;
    var known = roster && roster.tubes[code];
    var mine = state.open[code];
    var counted = Math.max(known ? known.count : 0, mine ? mine.count : 0);
    return api("GET", "/api/v1/sampling/tubes/" + encodeURIComponent(code)).then(function (r) {
      if (r.status === 200) {
        if (r.data.sealed) {
          delete state.open[code];
          saveState();
          renderTube();
          show("bad", text("sealed"), code);
          return false;
        }
        return useTube(code, Math.max(r.data.count, counted), r.data.capacity, asked);
      }
      if (r.status === 404 || r.status === 422) {
        return useTube(code, counted, known ? known.capacity : mine ? mine.capacity : (single.checked ? 1 : poolSize()), asked);
      }
      throw new Error("tube " + r.status);
    }).catch(function () {
      // No network: what this device knows of the tube.
      if (known && (known.sealed || known.count >= known.capacity)) {
        show("bad", text("tube-full"), code);
        return false;
      }
      return useTube(code, counted, known ? known.capacity : mine ? mine.capacity : (single.checked ? 1 : poolSize()), asked);
    });
  }

  function takeTube(code) {
    return setTube(code).then(function (ok) {
      if (ok && state.pending) {
        var person = state.pending;
        state.pending = null;
        register(person);
      }
    });
  }

  function resumeTube(code) {
    dismiss();
    return takeTube(code);
  }

  // A scanned tube becomes current at once, unless that would leave a half-full tube behind or (when the
  // round sets no length) its length differs from the tubes used so far: then the sampler is asked.
  function chooseTube(code) {
    if (code === state.tube) { return takeTube(code); }
    var current = state.tube;
    var unsealed = current && state.count > 0 && state.count < state.capacity;
    var reasons = [];
    if (unsealed) { reasons.push(text("ask-unsealed", current, state.count, state.capacity)); }
    if (!tubeFormat().length && lastLength && code.length !== lastLength) { reasons.push(text("ask-length", code.length, lastLength)); }
    if (reasons.length === 0) { return takeTube(code); }
    var choices = [{ value: "switch", label: unsealed ? text("ask-switch-keep", code, current) : text("ask-switch", code) }];
    if (unsealed) { choices.push({ value: "seal", label: text("ask-seal-switch", current, code) }); }
    choices.push({ value: "keep", label: current ? text("ask-keep", current) : text("ask-not-tube") });
    return ask(text("ask-title", code), reasons.join(" "), choices).then(function (choice) {
      if (choice === "switch") { return takeTube(code); }
      if (choice === "seal") {
        seal();
        return takeTube(code);
      }
      if (choice === "keep") {
        show("idle", current ? text("kept", current, state.count, state.capacity) : text("scan-tube"), "");
      }
      return null;
    });
  }

  function seal() {
    if (!state.tube) { return; }
    var code = state.tube;
    if (roster) { roster.tubes[code] = { count: state.count, capacity: state.capacity, sealed: true }; }
    delete state.open[code];
    state.tube = null;
    single.checked = false;
    saveState();
    renderTube();
    show("idle", text("sealed") + " " + code, text("scan-tube"));
    recent(code + " " + text("sealed"));
    api("POST", "/api/v1/sampling/tubes/" + encodeURIComponent(code) + "/seal").catch(function () { });
  }

  function refreshTube(code) {
    api("GET", "/api/v1/sampling/tubes/" + encodeURIComponent(code)).then(function (r) {
      if (r.status === 200 && state.tube === code) {
        state.count = r.data.count;
        state.capacity = r.data.capacity;
        if (r.data.sealed) {
          delete state.open[code];
          state.tube = null;
        }
        saveState();
        renderTube();
      }
    }).catch(function () { });
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
    var tube = state.tube;
    var body = Object.assign({
      roundId: roundId(),
      tubeCode: tube,
      takenAt: new Date().toISOString(),
      single: single.checked || state.capacity === 1,
      pointId: pointSelect.value || null
    }, person, extra || {});
    // Stored on the device before anything else: a dead battery or a lost network loses nothing.
    return samples.add(body, { name: known ? known.name : "", tubeCode: tube }).then(function (entry) {
      state.count += 1;
      if (roster && person.samplingCode) { roster.sampled[person.samplingCode] = true; }
      var full = state.count >= state.capacity;
      var line = (entry.meta.name || person.samplingCode || masked(person.documentNumber || "")) + "  " + tube + " " + state.count + "/" + state.capacity;
      if (full) {
        if (roster) { roster.tubes[tube] = { count: state.count, capacity: state.capacity, sealed: true }; }
        delete state.open[tube];
        state.tube = null;
        single.checked = false;
      }
      saveState();
      renderTube();
      show("wait", "✓ " + line, text("saved-on-device"), { id: entry.id });
      return send(entry).then(function (answer) {
        if (!answer) {
          if (shown === entry.id) { show("ok", "✓ " + line, text("saved-on-device") + (full ? " · " + text("tube-full") : ""), { id: entry.id }); }
          recent(line, entry.id, "waiting");
          return renderQueue();
        }
        if (answer.ok) {
          var rec = answer.record;
          // A late answer does not cover what the screen has said since (the next scan's result).
          if (shown === entry.id) {
            show("ok", "✓ " + rec.name + "  " + rec.position + "/" + rec.capacity, rec.address + (rec.tubeSealed ? " · " + text("tube-full") : ""), { id: entry.id });
          }
          recent(rec.name + "  " + rec.tubeCode + " " + rec.position + "/" + rec.capacity, entry.id, "ok");
          return renderQueue();
        }
        if (answer.behind) {
          // Sent behind a backlog: in the supervisors' inbox like any other conflict, and listed here (flush()
          // has already taken it off the tube's count).
          recent(line, entry.id, "refused");
          settle(entry.id, answer.result);
          refusedShown(entry, answer.result);
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
  }

  // The sample just taken: alone through the single endpoint when nothing older waits (the sampler
  // sees the answer at once); behind the backlog through the batch otherwise, keeping device order.
  function send(entry) {
    return samples.list().then(function (all) {
      var older = all.some(function (e) { return e.status === "pending" && e.id !== entry.id; });
      if (older) {
        return flush().then(function (report) {
          var result = report.answers[entry.id];
          if (!result) { return null; }
          return accepted(result.status) ? { ok: true, record: result.record } : { ok: false, behind: true, result: result };
        });
      }
      return api("POST", "/api/v1/sampling/records", entry.body).then(function (r) {
        if (r.status === 201 || r.status === 200) {
          return samples.remove(entry.id).then(function () { return { ok: true, record: r.data }; });
        }
        if (r.status >= 400 && r.status < 500 && r.data && r.data.code) {
          return { ok: false, code: r.data.code, detail: r.data.detail, id: entry.id };
        }
        return null;
      }).catch(function () { return null; });
    });
  }

  function handleRefusal(answer, person, tube) {
    var code = answer.code;
    var detail = answer.detail || text("server");
    if (roster && person.samplingCode && code !== "already_sampled") { delete roster.sampled[person.samplingCode]; }
    if (code === "tube_full" || code === "tube_sealed" || code === "tube_other_round" || code === "tube_code_invalid") {
      if (tube) { delete state.open[tube]; }
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
      show("bad", detail, "", { visitor: true });
    } else {
      if (tube && state.tube === tube) { refreshTube(tube); }
      show("bad", detail, "");
    }
    saveState();
    renderTube();
    // Seen and handled here on the screen: the device need not keep it as a conflict.
    return samples.remove(answer.id).then(renderQueue);
  }

  // A record refused after the screen said "saved on this device": red wherever it is shown, never "saved".
  function refusedShown(entry, result) {
    var inbox = !(result.details && result.details.inbox === "conflict_inbox_full");
    show("bad", "✗ " + text("refused", who(entry)), reason(result) + " · " + (inbox ? text("refused-inbox") : text("inbox-full")), { id: entry.id, conflicts: true });
  }

  // ---- Sync -----------------------------------------------------------------------------------

  // A refused sample is not in its tube: the device's count says so, once, however often it is answered.
  var uncounted = {};
  function uncount(entry, result) {
    if (uncounted[entry.id]) { return; }
    uncounted[entry.id] = true;
    var b = entry.body;
    if (roster && b.samplingCode && result.code !== "already_sampled") { delete roster.sampled[b.samplingCode]; }
    if (b.tubeCode === state.tube) {
      state.count = Math.max(0, state.count - 1);
    } else if (state.open[b.tubeCode]) {
      track(b.tubeCode, state.open[b.tubeCode].count - 1, state.open[b.tubeCode].capacity, false);
    }
    saveState();
    renderTube();
  }

  // now: someone waits for the answer (a sample just taken, the network back); the 15-second timer is not.
  function flush(now) {
    return samples.sync(BATCH, 200, { now: now !== false }).then(function (report) {
      return samples.list().then(function (all) {
        var byId = {};
        all.forEach(function (e) { byId[e.id] = e; });
        Object.keys(report.answers).forEach(function (id) {
          var result = report.answers[id];
          settle(id, result);
          if (!accepted(result.status) && byId[id]) {
            uncount(byId[id], result);
            if (shown === id) { refusedShown(byId[id], result); }
          }
        });
        return renderQueue().then(function () { return report; });
      });
    }, function () { return { answers: {} }; });
  }

  function flushAll(now) { return flush(now).then(wipeClosedRounds); }

  // A closed round's roster leaves the device once nothing of it waits to be sent.
  function wipeClosedRounds() {
    if (!navigator.onLine) { return Promise.resolve(); }
    return Promise.all([kv.keys(), samples.list()]).then(function (values) {
      var keys = values[0].filter(function (k) { return typeof k === "string" && k.indexOf("roster:") === 0; });
      var all = values[1];
      return Promise.all(keys.map(function (key) {
        var id = key.slice(7);
        if (all.some(function (e) { return e.body.roundId === id && e.status === "pending"; })) { return null; }
        return api("GET", "/api/v1/testing/rounds/" + id).then(function (r) {
          if (r.status === 404 || (r.status === 200 && r.data.status === "closed")) {
            localStorage.removeItem("cordon.sampler." + id);
            return kv.del(key);
          }
          return null;
        }).catch(function () { return null; });
      }));
    });
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

  // Not a tube, a person or a flat: said in words, and nothing changes.
  function refuseScan(item, raw) {
    var title = { code: text("bad-code"), id: text("bad-id"), tube: text("bad-tube") }[item.why] || text("bad-scan");
    var parts = [];
    // An ID number that is almost right is still one: never repeated on the screen.
    var scanned = String(raw).trim();
    if (item.why !== "id" && scanned) { parts.push(scanned.length > 34 ? scanned.slice(0, 32) + "…" : scanned); }
    if (item.why === "tube") { parts.push(text("format", describeFormat(tubeFormat()))); }
    parts.push(state.tube ? text("kept", state.tube, state.count, state.capacity) : text("nothing-registered"));
    show("bad", title, parts.join(" · "));
  }

  function person(body) {
    if (!state.tube) {
      state.pending = body;
      show("wait", text("pending"), text("scan-tube"));
      return;
    }
    register(body);
  }

  function handle(raw) {
    turn += 1;
    dismiss();
    var item = window.CordonScan.classify(raw, tubeFormat());
    if (item.kind === "invalid") {
      refuseScan(item, raw);
    } else if (item.kind === "address") {
      pick(item);
    } else if (item.kind === "tube") {
      chooseTube(item.code);
    } else if (item.kind === "ambiguous") {
      ask(text("ask-ambiguous-title"), text("ask-ambiguous"), [
        { value: "tube", label: text("ask-is-tube") }, { value: "person", label: text("ask-is-person") }
      ]).then(function (choice) {
        if (choice === "tube") { chooseTube(item.code); }
        if (choice === "person") { person(item.body); }
      });
    } else {
      person(item.body);
    }
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
    dismiss();
    seal();
    scan.focus();
  });

  $("as-visitor").addEventListener("click", function () {
    var why = window.prompt(text("visitor-done"));
    if (why && state.refused) {
      register(state.refused, { outOfScopeReason: why });
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
      person({ samplingCode: r.data.samplingCode });
    }).catch(function () { show("bad", text("network"), ""); });
  });

  $("conflicts-clear").addEventListener("click", function () {
    samples.clearRefused().then(renderQueue);
  });

  // The camera library is fetched the first time it is wanted, not with the screen (docs/decisions/010).
  var camera = window.CordonField.camera($("camera-view"), root.getAttribute("data-camera-script"), handle);
  $("camera").addEventListener("click", function () {
    show("wait", text("camera-loading"), "");
    camera.toggle().then(function () {
      show("idle", state.tube ? text("scan-person") : text("scan-tube"), "");
    }, function () { show("bad", text("camera-error"), ""); });
  });

  roundSelect.addEventListener("change", restore);
  single.addEventListener("change", function () { scan.focus(); });
  window.addEventListener("online", function () { renderQueue(); flushAll(); });
  window.addEventListener("offline", renderQueue);
  setInterval(function () { if (navigator.onLine) { flushAll(false); } }, 15000);

  // After the roster (or 5 s at most): the service worker's first install fetches every script again, the
  // camera's too, and on a slow line that would stand in the roster's way.
  var worker = false;
  function registerWorker() {
    if (worker || !("serviceWorker" in navigator)) { return; }
    worker = true;
    navigator.serviceWorker.register("/sw.js").catch(function () { });
  }
  setTimeout(registerWorker, 5000);

  window.CordonOffline.storageLow().then(function (low) { $("storage-low").hidden = !low; });
  scan.focus();
  restore().then(function () {
    screen.ready = true;
    screen.readyAt = performance.now();
    registerWorker();
    flushAll();
  });

  window.Cordon.sampler = screen;
  screen.flush = flushAll;
  screen.queue = samples.list;
})();
