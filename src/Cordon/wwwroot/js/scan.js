// What one scan is. A scanner, the camera or a thumb fills one field; this tells a sampling code, an ID
// number, an address and a tube barcode apart, and refuses the rest by name. Nothing that merely resembles
// one of them (a code missing a character, "hello world") is taken for a tube.
//
//   CordonScan.classify("R0123456789", { prefix: "TB", length: 12 })
//     → { kind: "person", body: { samplingCode: "R0123456789" } }
//   kinds: person, address, tube, ambiguous (an ID number that also fits the round's tube format), invalid (with why)
(function () {
  "use strict";

  // R (residents) or V (visitors) and ten Crockford base-32 characters: Platform/People/SamplingCodes.cs.
  var samplingCode = /^[RV][0-9ABCDEFGHJKMNPQRSTVWXYZ]{10}$/;
  var weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var checks = "10X98765432";
  var address = /^(\d+)号?(?:[-—－](\d{1,2})(?:单元)?[-—－]?|(\d{1,2})单元)?([A-Z]?\d{3,4})室?$/;

  // GB 11643: seventeen digits and an ISO 7064 MOD 11-2 check character.
  function isIdNumber(t) {
    if (!/^\d{17}[\dX]$/.test(t)) { return false; }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += (t.charCodeAt(i) - 48) * weights[i]; }
    return checks[sum % 11] === t[17];
  }

  // Platform's rule (TestingRound.IsTubeCode): 6–32 letters or digits, the round's prefix and length when set.
  function isTube(t, format) {
    format = format || {};
    var prefix = (format.prefix || "").toUpperCase();
    return /^[A-Z0-9]{6,32}$/.test(t) && t.indexOf(prefix) === 0 && (!format.length || t.length === format.length);
  }

  function normalize(raw) {
    // Full-width letters and digits (a Chinese keyboard) become half-width.
    return String(raw || "").replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .trim().toUpperCase().replace(/\s+/g, "");
  }

  function classify(raw, format) {
    var t = normalize(raw);
    format = format || {};
    var explicit = !!(format.prefix || format.length);
    // A barcode never holds a space; an ID number typed in groups may ("hello world" is neither).
    var spaced = /\s/.test(String(raw || "").trim());
    var tube = !spaced && isTube(t, format);
    if (!t) { return { kind: "invalid", why: "empty", text: t }; }
    if (samplingCode.test(t)) { return { kind: "person", body: { samplingCode: t } }; }
    var flat = address.exec(t);
    if (flat && /[-—－号单]/.test(t)) {
      return { kind: "address", building: flat[1] + "号", entrance: flat[2] || flat[3] || null, room: flat[4] };
    }
    if (isIdNumber(t)) {
      // A round whose tubes are 18 digits: one tube in eleven passes the check. The sampler decides.
      return explicit && tube ? { kind: "ambiguous", code: t, body: { documentNumber: t } } : { kind: "person", body: { documentNumber: t } };
    }
    // The round's own format is the planner's word: it wins over every look-alike below.
    if (explicit && tube) { return { kind: "tube", code: t }; }
    // One character missing, extra or outside the alphabet (O for 0): a sampling code, never a tube.
    if (/^[RV][0-9A-Z]{9,11}$/.test(t)) { return { kind: "invalid", why: "code", text: t }; }
    if (/^\d{15}$/.test(t) || /^\d{16,17}[\dX]$/.test(t)) { return { kind: "invalid", why: "id", text: t }; }
    if (tube) { return { kind: "tube", code: t }; }
    if (!spaced && /^[A-Z0-9]+$/.test(t)) { return { kind: "invalid", why: "tube", text: t }; }
    return { kind: "invalid", why: "unknown", text: t };
  }

  window.CordonScan = { classify: classify, isTube: isTube, isIdNumber: isIdNumber, normalize: normalize };
})();
