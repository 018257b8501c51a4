// Offline queues for every screen that writes from the field: samples now, sweeps and parcels next
// (docs/decisions/010). Each queue is its own IndexedDB store with one entry per item, keyed by the
// item's client id, so adding, answering or dropping one item never rewrites the others.
//
//   var q = CordonOffline.queue("sampling", { headers: function () { return {...}; } });
//   q.add(body, meta)      stored first; body gets id, deviceId and deviceSequence
//   q.sync(url, 200)       sends what waits, in device order, to a batch endpoint (one result per item);
//                          { now: true } when a person waits for it: skips the pause after a failed network
//
// An item leaves its queue only when the server has accepted it (2xx). A refusal stays, marked with the
// server's reason in both languages; it is also in the supervisors' conflict inbox (/Conflicts) unless the
// server says that inbox is full for this device, in which case the item is offered again later.
(function () {
  "use strict";

  var kv = window.idbKeyval;
  var queues = {};

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

  // One counter per device for every queue, where the sampler has always kept it, so numbers keep rising
  // across the upgrade. Read inside the same transaction that raises it: two tabs never get the same one.
  function nextSequence() {
    var next = 0;
    return kv.update("sequence", function (n) { next = (n || 0) + 1; return next; }).then(function () { return next; });
  }

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.oncomplete = request.onsuccess = function () { resolve(request.result); };
      request.onabort = request.onerror = function () { reject(request.error); };
    });
  }

  function isAccepted(status) { return status >= 200 && status < 300; }

  // 5xx for one item (the writer failed, the server is busy) is not an answer about the item: send it again.
  function isRetry(status) { return !status || status >= 500; }

  function retryAfter(response) {
    var value = response.headers.get("Retry-After");
    if (!value) { return 1000; }
    var seconds = parseInt(value, 10);
    if (!isNaN(seconds)) { return Math.max(1, seconds) * 1000; }
    var at = Date.parse(value);
    return isNaN(at) ? 1000 : Math.max(1000, at - Date.now());
  }

  function bySequence(a, b) { return a.sequence - b.sequence; }

  function open(name, options) {
    options = options || {};
    // idb-keyval's createStore: one small database per queue; its store function also gives us a raw
    // transaction for the few changes that must read and write atomically.
    var store = kv.createStore("cordon-queue-" + name, "items");
    // Two waits: the server's (Retry-After, always honoured) and ours after a failed network (skipped when
    // someone is waiting for the answer: sync(url, size, { now: true })).
    var backoff = { server: 0, network: 0, step: 0 };
    var heldSentAt = 0;
    var running = null;
    var following = null;

    // A device upgraded from the sampler that kept its whole queue as one value ("queue" in idb-keyval's
    // default store): every item is copied across first, the old value deleted only after that commits.
    // A reload halfway simply copies again; an item already here is left as it is.
    var ready = (function () {
      var legacy = options.legacy;
      if (!legacy) { return Promise.resolve(); }
      return kv.get(legacy.key).then(function (old) {
        if (old === undefined) { return null; }
        var entries = (Array.isArray(old) ? old : []).map(legacy.convert).filter(Boolean);
        return store("readwrite", function (s) {
          entries.forEach(function (entry) {
            s.get(entry.id).onsuccess = function () {
              if (this.result === undefined) { s.put(entry, entry.id); }
            };
          });
          return done(s.transaction);
        }).then(function () { return kv.del(legacy.key); });
      });
    })().catch(function () { /* the old value stays and is copied on the next load */ });

    function after(work) { return ready.then(work); }

    function list() {
      return after(function () { return kv.values(store); }).then(function (all) { return all.sort(bySequence); });
    }

    function get(id) { return after(function () { return kv.get(id, store); }); }

    function add(body, meta) {
      return after(function () {
        return nextSequence().then(function (sequence) {
          body.id = body.id || uuid();
          body.deviceId = deviceId();
          body.deviceSequence = sequence;
          var entry = { id: body.id, sequence: sequence, status: "pending", at: Date.now(), body: body, meta: meta || {} };
          return kv.set(entry.id, entry, store).then(function () { return entry; });
        });
      });
    }

    function remove(id) { return after(function () { return kv.del(id, store); }); }

    // The one read-modify-write: an item answered meanwhile by another tab is not brought back.
    function change(id, update) {
      return after(function () {
        return store("readwrite", function (s) {
          var request = s.get(id);
          request.onsuccess = function () {
            if (request.result !== undefined) { s.put(update(request.result), id); }
          };
          return done(s.transaction);
        });
      });
    }

    function markRefused(id, result) {
      return change(id, function (entry) {
        var inbox = result.details && result.details.inbox;
        entry.status = "refused";
        entry.refusal = {
          status: result.status, code: result.code || "", detail: result.detail || "", zh: result.zh || result.detail || "",
          en: result.en || result.detail || "", inbox: inbox !== "conflict_inbox_full", at: Date.now()
        };
        return entry;
      });
    }

    function count() {
      return list().then(function (all) {
        var pending = all.filter(function (e) { return e.status === "pending"; }).length;
        return { pending: pending, refused: all.length - pending, total: all.length };
      });
    }

    // Drops the refused items a person has seen, except those the supervisors' inbox has not got.
    function clearRefused() {
      return list().then(function (all) {
        var seen = all.filter(function (e) { return e.status === "refused" && e.refusal.inbox; }).map(function (e) { return e.id; });
        return kv.delMany(seen, store);
      });
    }

    function post(url, items) {
      var headers = Object.assign({ "Content-Type": "application/json" }, options.headers ? options.headers() : {});
      return fetch(url, {
        method: "POST", credentials: "same-origin", headers: headers,
        body: JSON.stringify(items.map(function (e) { return e.body; }))
      });
    }

    function wait(ms) { backoff.server = Date.now() + ms; }

    function networkFailed() {
      backoff.step = Math.min(backoff.step + 1, 7);
      backoff.network = Date.now() + Math.min(60000, 500 * Math.pow(2, backoff.step));
    }

    // One batch: the answers per id, and whether to go on with the next.
    function batch(url, items, report) {
      return post(url, items).then(function (response) {
        if (response.status === 503 || response.status === 429) {
          wait(retryAfter(response));
          report.stopped = "busy";
          return false;
        }
        if (!response.ok) {
          networkFailed();
          report.stopped = "status " + response.status;
          return false;
        }
        return response.json().then(function (results) {
          if (!Array.isArray(results)) { throw new Error("not a batch answer"); }
          backoff.step = 0;
          var busy = false;
          var work = results.map(function (result) {
            if (!result || !result.id) { return null; }
            if (isAccepted(result.status)) {
              report.answers[result.id] = result;
              report.accepted += 1;
              return remove(result.id);
            }
            if (isRetry(result.status)) {
              busy = true;
              return null;
            }
            report.answers[result.id] = result;
            report.refused += 1;
            return markRefused(result.id, result);
          });
          return Promise.all(work).then(function () {
            if (busy) {
              wait(1000);
              report.stopped = "busy";
            }
            return !busy;
          });
        });
      }, function () {
        networkFailed();
        report.stopped = "network";
        return false;
      });
    }

    function until(now) { return now ? backoff.server : Math.max(backoff.server, backoff.network); }

    function run(url, size, now) {
      var report = { answers: {}, accepted: 0, refused: 0, stopped: null, retryAt: 0 };
      if (Date.now() < until(now)) {
        report.stopped = "backoff";
        report.retryAt = until(now);
        return Promise.resolve(report);
      }
      var sent = {};
      function next() {
        return list().then(function (all) {
          var pending = all.filter(function (e) { return e.status === "pending" && !sent[e.id]; });
          // Refused items the inbox could not take: offered again, now and then, after everything new.
          if (pending.length === 0 && Date.now() - heldSentAt > 300000) {
            pending = all.filter(function (e) { return e.status === "refused" && !e.refusal.inbox && !sent[e.id]; });
            if (pending.length) { heldSentAt = Date.now(); }
          }
          var items = pending.slice(0, size);
          if (items.length === 0) { return report; }
          items.forEach(function (e) { sent[e.id] = true; });
          return batch(url, items, report).then(function (more) { return more ? next() : report; });
        });
      }
      return next().then(function (r) {
        r.retryAt = r.stopped ? until(false) : 0;
        return r;
      });
    }

    function merge(first, second) {
      second.answers = Object.assign({}, first.answers, second.answers);
      second.accepted += first.accepted;
      second.refused += first.refused;
      return second;
    }

    // One sync at a time per queue; a call during one runs once more after it, and hears both answers.
    var followNow = false;
    function sync(url, size, options) {
      var now = !!(options && options.now);
      if (running) {
        followNow = followNow || now;
        if (!following) {
          following = running.then(function (first) {
            var again = followNow;
            following = null;
            followNow = false;
            return sync(url, size, { now: again }).then(function (second) { return merge(first, second); });
          });
        }
        return following;
      }
      running = after(function () { return run(url, size || 200, now); }).then(function (report) {
        running = null;
        return report;
      }, function (error) {
        running = null;
        throw error;
      });
      return running;
    }

    return {
      name: name, ready: ready, add: add, get: get, list: list, remove: remove, markRefused: markRefused, count: count,
      clearRefused: clearRefused, sync: sync,
      // Back on the network: try at once rather than at the end of a backoff.
      wake: function () { backoff.network = 0; backoff.step = 0; heldSentAt = 0; }
    };
  }

  function queue(name, options) {
    if (!queues[name]) { queues[name] = open(name, options); }
    return queues[name];
  }

  window.addEventListener("online", function () {
    Object.keys(queues).forEach(function (name) { queues[name].wake(); });
  });

  // Asks the browser to keep this origin's data under storage pressure; resolves true when space is low
  // (under 50 MB or 90 % used), so the screen can say "get online and send soon".
  function storageLow() {
    var storage = navigator.storage;
    if (!storage) { return Promise.resolve(false); }
    if (storage.persist) { storage.persist().catch(function () { }); }
    if (!storage.estimate) { return Promise.resolve(false); }
    return storage.estimate().then(function (e) {
      var free = (e.quota || 0) - (e.usage || 0);
      return !!(e.quota && (free < 50 * 1024 * 1024 || e.usage / e.quota > 0.9));
    }, function () { return false; });
  }

  window.CordonOffline = { queue: queue, uuid: uuid, deviceId: deviceId, storageLow: storageLow };
})();
