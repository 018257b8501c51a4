// What every one-hand screen that scans needs (the sampler now; sweeps and parcels next).
//
// question(box, options): a question on the page answered with one tap. Not window.confirm, which blocks
// the page while a scanner keeps typing: the question never takes the focus (a scanner's Enter must not
// press one of its buttons), and dismiss() — called on the next scan — leaves things as they were.
// The box holds [data-ask-title], [data-ask-detail] and [data-ask-buttons]; options.hide is hidden meanwhile.
//
// camera(view, src, onScan): the camera scanner (html5-qrcode, 375 KB), fetched the first time it is wanted.
(function () {
  "use strict";

  function question(box, options) {
    options = options || {};
    var answer = null;
    var part = function (name) { return box.querySelector("[data-ask-" + name + "]"); };

    function close(value) {
      if (!answer) { return; }
      var resolve = answer;
      answer = null;
      box.hidden = true;
      if (options.hide) { options.hide.hidden = false; }
      resolve(value);
    }

    function ask(title, detail, choices) {
      close("dismissed");
      part("title").textContent = title;
      part("detail").textContent = detail || "";
      var buttons = part("buttons");
      buttons.textContent = "";
      choices.forEach(function (choice, i) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "big" + (i === 0 ? "" : " secondary");
        button.textContent = choice.label;
        button.addEventListener("click", function () {
          close(choice.value);
          if (options.focus) { options.focus.focus(); }
        });
        buttons.appendChild(button);
      });
      if (options.hide) { options.hide.hidden = true; }
      box.hidden = false;
      // In sight on a small phone, without moving the focus.
      if (box.scrollIntoView) { box.scrollIntoView({ block: "nearest" }); }
      return new Promise(function (resolve) { answer = resolve; });
    }

    return { ask: ask, dismiss: function () { close("dismissed"); } };
  }

  var library = null;
  function load(src) {
    if (window.Html5Qrcode) { return Promise.resolve(); }
    if (!library) {
      library = new Promise(function (resolve, reject) {
        // A script element from our own origin: allowed by the page's script-src 'self'.
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = function () {
          library = null;
          script.remove();
          reject(new Error("camera script"));
        };
        document.head.appendChild(script);
      });
    }
    return library;
  }

  function camera(view, src, onScan) {
    var running = null;
    var starting = false;

    // Starts the camera (resolves "started") or stops it ("stopped"); rejects when it cannot be opened.
    function toggle() {
      if (starting) { return Promise.resolve("starting"); }
      if (running) {
        var stopping = running;
        running = null;
        return stopping.stop().then(function () { stopping.clear(); view.hidden = true; return "stopped"; });
      }
      starting = true;
      return load(src).then(function () {
        view.hidden = false;
        var reader = new window.Html5Qrcode(view.id);
        var last = "";
        var lastAt = 0;
        return reader.start({ facingMode: "environment" }, { fps: 10, qrbox: 220 }, function (decoded) {
          // The same code held in front of the lens is one scan.
          var now = Date.now();
          if (decoded === last && now - lastAt < 2500) { return; }
          last = decoded;
          lastAt = now;
          onScan(decoded);
        }).then(function () {
          running = reader;
          starting = false;
          return "started";
        });
      }).catch(function (error) {
        starting = false;
        view.hidden = true;
        throw error;
      });
    }

    return { toggle: toggle };
  }

  window.CordonField = { question: question, camera: camera };
})();
