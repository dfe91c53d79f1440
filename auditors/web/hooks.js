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
