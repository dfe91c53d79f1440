/* No WebRTC for audited pages (before any page script runs): RTCPeerConnection would send UDP to
   stun:/turn: servers around the guarding proxy. The browser's WebRTC preferences refuse such UDP
   too (auditors/web/browser.py WEBRTC_PREFS), in frames this script does not reach. */
(() => {
  const refuse = function () {
    throw new DOMException("WebRTC is disabled in the accessibility audit browser.", "NotSupportedError");
  };
  for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCSessionDescription",
                      "RTCIceCandidate", "RTCDataChannel", "RTCRtpSender", "RTCRtpReceiver"]) {
    try {
      if (name in window) Object.defineProperty(window, name, {value: refuse, writable: false, configurable: false});
    } catch (e) { /* already locked */ }
  }
})();
/* Preloaded into every document before its own scripts (with axe-core): remembers which
   elements got pointer/click listeners, so the keyboard rules can find click-only controls. */
(() => {
  if (window.__accessClickTargets) return;
  const targets = new WeakSet();
  Object.defineProperty(window, "__accessClickTargets", {value: targets, enumerable: false});
  const original = EventTarget.prototype.addEventListener;
  const kinds = /^(click|dblclick|mousedown|mouseup|pointerdown|pointerup|touchstart)$/;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    try { if (kinds.test(type) && this instanceof Element) targets.add(this); } catch (e) { /* ignore */ }
    return original.call(this, type, listener, options);
  };
})();
/* Activity since the document was parsed (requests in flight, DOM changes), so the audit can wait
   until a page that renders with script has settled (auditors/web/actions.py SETTLE). */
(() => {
  if (window.__accessActivity) return;
  const state = {inflight: 0, last: 0};
  Object.defineProperty(window, "__accessActivity", {value: state, enumerable: false});
  const touch = () => { state.last = performance.now(); };
  const fetch0 = window.fetch;
  if (fetch0) {
    window.fetch = function (...args) {
      state.inflight++; touch();
      const settle = () => { state.inflight--; touch(); };
      try { const p = fetch0.apply(this, args); p.then(settle, settle); return p; } catch (e) { settle(); throw e; }
    };
  }
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    state.inflight++; touch();
    this.addEventListener("loadend", () => { state.inflight--; touch(); }, {once: true});
    try { return send0.apply(this, args); } catch (e) { state.inflight--; throw e; }
  };
  const observe = () => new MutationObserver(touch).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", observe, {once: true});
  else observe();
  window.addEventListener("hashchange", touch);
})();
