/* Keyboard rules, step 2 (after the Tab presses): the log, and the element that has focus now. */
const kb = window.__accessKeyboard;
if (!kb) return null;
const active = kb.register(document.activeElement);
kb.stop();
if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
return {keys: kb.log.keys, focus: kb.log.focus, elements: kb.elements, active};
