/* Focus visible, whole page: put the sequential focus starting point right before element
   arguments[0] (an invisible, unfocusable-by-Tab marker that takes focus from script), with the
   element scrolled into view and nothing else focused, so the next real Tab press focuses it.
   With arguments[1] === "done": remove the marker and whether the element has focus now. */
const kb = window.__accessKeyboard;
const el = kb && kb.nodes[arguments[0]];
if (!el) return false;
if (arguments[1] === "done") {
  const focused = document.activeElement === el;
  if (kb.marker) kb.marker.remove();
  if (kb.still) kb.still.remove();
  kb.marker = kb.still = null;
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  return focused;
}
kb.still = document.createElement("style");
kb.still.textContent = "*,*::before,*::after{transition:none!important;animation:none!important}";
document.documentElement.appendChild(kb.still);
const marker = document.createElement("span");
marker.tabIndex = -1;
marker.setAttribute("aria-hidden", "true");
marker.style.cssText = "position:absolute;width:0;height:0;overflow:hidden;outline:none;opacity:0;pointer-events:none";
el.parentNode.insertBefore(marker, el);
kb.marker = marker;
el.scrollIntoView({block: "center", inline: "center"});
marker.focus({preventScroll: true});
return document.activeElement === marker;
