// 扫楼走访: a sweep team's packet on the phone and the visit form, with or without a network.
//
// The page is a shell without personal data. The team's packet (flats top floor first, residents as the role
// sees them, last round's unanswered flats first) is fetched from the API and kept on the device, so the
// stairwell with no signal still shows it. Every visit is stored in the "sweep-visits" offline queue first
// (js/offline/queue.js, docs/decisions/010) and sent to the batch endpoint when there is a network; a visit
// leaves the device only when the server has it. A refusal stays on the device in red, with the server's
// reason, and is in the supervisors' inbox. A flat's QR on the paper packet opens this page at that flat (#id).
(function () {
  "use strict";

  var root = document.getElementById("walk");
  if (!root) { return; }

  var kv = window.idbKeyval;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(window.location.search);
  var sweepId = params.get("sweep") || "";
  var team = params.get("team") || "";
  var key = sweepId + ":" + team;
  var BATCH = "/api/v1/sweeps/" + encodeURIComponent(sweepId) + "/visits:batch";
  var packets = kv.createStore("cordon-sweep-packets", "packets");
  var packet = null;
  // flatId → { outcome, state: "pending" | "sent" | "refused", id } for this device; visited: flats the server has.
  var marks = {};
  var visited = {};
  var current = null;
  var form = $("visit");

  var visits = window.CordonOffline.queue("sweep-visits", {
    headers: function () { return { "Accept-Language": lang(), "RequestVerificationToken": window.Cordon.token() }; }
  });

  function text(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    return (root.getAttribute("data-msg-" + name) || name).replace(/\{(\d)\}/g, function (m, i) { return args[i] === undefined ? m : args[i]; });
  }

  function lang() { return document.documentElement.lang || "zh-CN"; }

  function english() { return lang().indexOf("en") === 0; }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function say(message, kind) {
    var box = $("walk-message");
    box.textContent = message;
    box.className = "alert " + (kind || "info");
    box.hidden = !message;
  }

  function fetchPacket() {
    var url = "/api/v1/sweeps/" + encodeURIComponent(sweepId) + "/packets/" + encodeURIComponent(team);
    return fetch(url, { credentials: "same-origin", headers: { "Accept-Language": lang() } }).then(function (response) {
      if (!response.ok) { throw new Error("packet " + response.status); }
      return response.json();
    }).then(function (p) {
      p.keptAt = Date.now();
      return kv.set(key, p, packets).then(function () { return p; });
    }).catch(function () {
      return kv.get(key, packets);
    });
  }

  function fetchProgress() {
    return fetch("/api/v1/sweeps/" + encodeURIComponent(sweepId) + "/progress", { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (progress) {
      if (!progress || !packet) { return; }
      var open = {};
      progress.unvisited.forEach(function (id) { open[id] = true; });
      flats().forEach(function (f) { visited[f.flatId] = !open[f.flatId]; });
      var mine = progress.teams.filter(function (t) { return String(t.no) === team; })[0];
      if (mine) { $("walk-progress").textContent = text("visited", mine.visited, mine.flats, mine.answered); }
    }).catch(function () { /* offline: the device's own marks */ });
  }

  function saveMarks() { return kv.set("marks:" + key, marks, packets); }

  function flats() {
    var all = [];
    (packet.entrances || []).forEach(function (e) {
      e.flats.forEach(function (f) { all.push(Object.assign({ entrance: e }, f)); });
    });
    return all;
  }

  function findFlat(id) { return flats().filter(function (f) { return f.flatId === id; })[0]; }

  function status(flat) {
    var mark = marks[flat.flatId];
    if (mark && mark.state === "refused") { return { css: "bad", label: text("refused") }; }
    if (mark && mark.state === "pending") { return { css: "warn", label: text("pending") + " · " + text("outcome-" + mark.outcome) }; }
    if (mark) { return { css: "ok", label: text("outcome-" + mark.outcome) }; }
    if (visited[flat.flatId]) { return { css: "ok", label: "✓" }; }
    return null;
  }

  function flatButton(flat, extra) {
    var button = el("button", "flat-row secondary");
    button.type = "button";
    button.setAttribute("data-flat", flat.flatId);
    var title = el("span", "flat-room", flat.room);
    button.appendChild(title);
    button.appendChild(el("span", "muted small", " " + text("floor", flat.floor)));
    if (extra) { button.appendChild(el("span", "tag warn", extra)); }
    var st = status(flat);
    if (st) { button.appendChild(el("span", "tag " + st.css, st.label)); }
    var names = flat.residents.map(function (r) { return r.name + (r.tags.length ? " ⚑" : ""); }).join("、");
    if (names) { button.appendChild(el("span", "flat-people small", names)); }
    if (flat.residents.some(function (r) { return r.tags.length > 0; })) { button.classList.add("special"); }
    button.addEventListener("click", function () { open(flat.flatId); });
    return button;
  }

  function render() {
    var list = $("walk-list");
    list.textContent = "";
    if (!packet) {
      say(text("no-packet"), "bad");
      return;
    }
    $("walk-head").textContent = packet.scope + " · " + text("round", packet.round) + " " + packet.label + " · " + text("team", packet.team);
    $("walk-summary").textContent = (packet.members ? text("members") + "：" + packet.members + " · " : "")
      + text("summary", packet.flatCount, packet.peopleCount, packet.floorsClimbed)
      + (packet.keptAt ? " · " + text("kept", new Date(packet.keptAt).toLocaleTimeString(lang(), { hour: "2-digit", minute: "2-digit" })) : "");
    if (packet.carryOver && packet.carryOver.length) {
      var carry = el("section", "card carry-over");
      carry.appendChild(el("h2", "", text("carry", packet.carryOver.length)));
      packet.carryOver.forEach(function (c) {
        var flat = findFlat(c.flatId);
        if (flat) { carry.appendChild(flatButton(flat, text("carry-reason-" + c.reason))); }
      });
      list.appendChild(carry);
    }
    packet.entrances.forEach(function (e) {
      var section = el("section", "card walk-entrance");
      section.appendChild(el("h2", "", text("entrance", e.building, e.entrance)));
      e.flats.forEach(function (f) { section.appendChild(flatButton(Object.assign({ entrance: e }, f))); });
      list.appendChild(section);
    });
  }

  function reset() {
    form.reset();
    $("visit-residents").textContent = "";
    $("visit-people").textContent = "";
    $("visit-visitors").textContent = "";
    $("visit-error").hidden = true;
    $("visit-answered").hidden = true;
  }

  function open(flatId) {
    var flat = findFlat(flatId);
    if (!flat) { return; }
    current = flat;
    reset();
    $("visit-flat").textContent = text("entrance", flat.entrance.building, flat.entrance.entrance) + " " + flat.room;
    $("visit-tags").textContent = flat.vacant ? text("vacant-flat") : "";
    flat.residents.forEach(function (r) {
      var node = $("resident-template").content.firstElementChild.cloneNode(true);
      node.setAttribute("data-resident", r.id);
      node.querySelector("[data-name]").textContent = r.name + (r.age ? " · " + r.age : "");
      node.querySelectorAll("[data-presence]").forEach(function (input) {
        input.name = "presence-" + r.id;
        input.addEventListener("change", function () { node.querySelector("[data-away]").hidden = input.value !== "away" || !input.checked; });
      });
      $("visit-residents").appendChild(node);
    });
    $("walk-list").hidden = true;
    form.hidden = false;
    if (window.location.hash !== "#" + flatId) { history.replaceState(null, "", "#" + flatId); }
    window.scrollTo(0, 0);
  }

  function close() {
    form.hidden = true;
    $("walk-list").hidden = false;
    current = null;
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  function added(templateId, containerId) {
    var node = $(templateId).content.firstElementChild.cloneNode(true);
    node.querySelector("[data-remove]").addEventListener("click", function () { node.remove(); });
    $(containerId).appendChild(node);
    node.querySelector("input").focus();
  }

  function fields(node) {
    var item = {};
    node.querySelectorAll("[data-field]").forEach(function (input) { item[input.getAttribute("data-field")] = input.value.trim() || null; });
    return item;
  }

  // The ID number's check digit (GB 11643), so a typo is caught on the stairs and not at the server hours later.
  function idValid(value) {
    var v = (value || "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) { return false; }
    var weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += parseInt(v[i], 10) * weights[i]; }
    return "10X98765432"[sum % 11] === v[17];
  }

  function phoneValid(value) { return !value || /^1\d{10}$/.test(value.replace(/[\s-]/g, "")); }

  function collect() {
    var outcome = (form.querySelector("input[name=outcome]:checked") || {}).value;
    if (!outcome) { return { error: text("need-outcome") }; }
    var body = { flatId: current.flatId, outcome: outcome, residents: [], newPeople: [], visitors: [], needs: [], note: $("visit-note").value.trim(), visitedAt: new Date().toISOString() };
    if (outcome !== "answered") { return { body: body }; }
    var occupants = $("visit-occupants").value;
    body.occupants = occupants === "" ? null : parseInt(occupants, 10);
    $("visit-residents").querySelectorAll("[data-resident]").forEach(function (node) {
      var chosen = node.querySelector("[data-presence]:checked");
      if (!chosen) { return; }
      var item = { residentId: node.getAttribute("data-resident"), presence: chosen.value };
      if (chosen.value === "away") {
        item.since = node.querySelector("[data-since]").value || null;
        item.where = node.querySelector("[data-where]").value.trim() || null;
      }
      body.residents.push(item);
    });
    var error = null;
    $("visit-people").querySelectorAll("fieldset").forEach(function (node) {
      var person = fields(node);
      if (!person.name) { error = error || text("name-missing"); }
      if (person.documentNumber && person.documentType === "IdCard" && !idValid(person.documentNumber)) { error = error || text("bad-id"); }
      if (!phoneValid(person.phone)) { error = error || text("bad-phone"); }
      body.newPeople.push(person);
    });
    $("visit-visitors").querySelectorAll("fieldset").forEach(function (node) {
      var visitor = fields(node);
      if (!visitor.name) { error = error || text("name-missing"); }
      if (!phoneValid(visitor.phone)) { error = error || text("bad-phone"); }
      body.visitors.push(visitor);
    });
    form.querySelectorAll("input[name=needs]:checked").forEach(function (input) { body.needs.push(input.value); });
    return error ? { error: error } : { body: body };
  }

  function submit(event) {
    event.preventDefault();
    var result = collect();
    if (result.error) {
      $("visit-error").textContent = result.error;
      $("visit-error").hidden = false;
      return;
    }
    var flat = current;
    visits.add(result.body, { flatId: flat.flatId, room: flat.room }).then(function (entry) {
      marks[flat.flatId] = { outcome: result.body.outcome, state: "pending", id: entry.id };
      return saveMarks();
    }).then(function () {
      close();
      render();
      say(text("saved", flat.room), "ok");
      flush(true);
    });
  }

  function renderQueue() {
    $("walk-offline").hidden = navigator.onLine;
    return visits.list().then(function (all) {
      var pending = all.filter(function (e) { return e.status === "pending"; });
      $("walk-waiting").hidden = pending.length === 0;
      $("walk-waiting-count").textContent = String(pending.length);
      var refused = all.filter(function (e) { return e.status === "refused" && e.body && e.body.flatId && findFlat(e.body.flatId); });
      var list = $("walk-refused");
      list.textContent = "";
      refused.forEach(function (e) {
        var r = e.refusal || {};
        list.appendChild(el("li", "alert bad", (e.meta.room || "") + " · " + (english() ? r.en : r.zh)));
      });
      list.hidden = refused.length === 0;
    });
  }

  function flush(now) {
    return visits.sync(BATCH, 50, { now: !!now }).then(function (report) {
      var changed = false;
      Object.keys(report.answers).forEach(function (id) {
        var answer = report.answers[id];
        var flatId = answer.record ? answer.record.flatId : null;
        Object.keys(marks).forEach(function (f) {
          if (marks[f].id === id) { flatId = f; }
        });
        if (flatId && marks[flatId]) {
          marks[flatId].state = answer.status >= 200 && answer.status < 300 ? "sent" : "refused";
          changed = true;
        }
      });
      if (report.accepted) { say(text("sent", report.accepted), "ok"); }
      return (changed ? saveMarks() : Promise.resolve()).then(function () {
        if (changed && form.hidden) { render(); }
        return renderQueue();
      });
    }).catch(function () { return renderQueue(); });
  }

  form.addEventListener("submit", submit);
  form.addEventListener("change", function (event) {
    if (event.target.name === "outcome") { $("visit-answered").hidden = event.target.value !== "answered"; }
  });
  form.querySelectorAll("[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = $("visit-occupants");
      var value = Math.max(0, Math.min(50, (parseInt(input.value, 10) || 0) + parseInt(button.getAttribute("data-step"), 10)));
      input.value = String(value);
    });
  });
  $("add-person").addEventListener("click", function () { added("person-template", "visit-people"); });
  $("add-visitor").addEventListener("click", function () { added("visitor-template", "visit-visitors"); });
  $("visit-cancel").addEventListener("click", close);
  window.addEventListener("hashchange", function () { if (window.location.hash.length > 1) { open(window.location.hash.slice(1)); } });
  window.addEventListener("online", function () { renderQueue(); flush(true); });
  window.addEventListener("offline", renderQueue);
  setInterval(function () { if (navigator.onLine) { flush(false); } }, 15000);

  var screen = { ready: false };
  Promise.all([fetchPacket(), kv.get("marks:" + key, packets)]).then(function (loaded) {
    packet = loaded[0] || null;
    marks = loaded[1] || {};
    render();
    return fetchProgress();
  }).then(function () {
    render();
    if (window.location.hash.length > 1) { open(window.location.hash.slice(1)); }
    screen.ready = true;
    if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js").catch(function () { }); }
    return flush(false);
  });

  window.Cordon.sweep = screen;
  screen.flush = flush;
  screen.queue = visits.list;
})();
