/* Data tables without header cells: tables whose first row or column is styled like headers
   (bold, or a different background) but uses <td>. */
const weight = el => {
  const own = parseInt(getComputedStyle(el).fontWeight, 10);
  const only = el.children.length === 1 ? el.children[0] : null;
  if (only && (only.textContent || "").trim() === (el.textContent || "").trim())
    return Math.max(own, parseInt(getComputedStyle(only).fontWeight, 10));
  return own;
};
const styleOf = cell => ({bold: weight(cell) >= 600, bg: getComputedStyle(cell).backgroundColor,
                          upper: getComputedStyle(cell).textTransform === "uppercase"});
const differs = (heads, body) => {
  const h = heads.map(styleOf), b = body.map(styleOf);
  const allBold = h.every(s => s.bold) && !b.some(s => s.bold);
  const bg = h.every(s => s.bg === h[0].bg) && b.every(s => s.bg !== h[0].bg);
  const upper = h.every(s => s.upper) && !b.some(s => s.upper);
  return allBold || bg || upper;
};
const out = [];
for (const table of document.querySelectorAll("table")) {
  const role = (table.getAttribute("role") || "").toLowerCase();
  if (role === "presentation" || role === "none" || !A11Y.visible(table)) continue;
  if (table.querySelector("th, [role=columnheader], [role=rowheader]")) {
    out.push({...A11Y.describe(table), headers: true});
    continue;
  }
  const rows = Array.from(table.rows).filter(r => r.closest("table") === table);
  if (rows.length < 2) continue;
  const width = Math.min(...rows.map(r => r.cells.length));
  if (width < 2) continue;
  const firstRow = Array.from(rows[0].cells), secondRow = Array.from(rows[1].cells);
  const firstCol = rows.map(r => r.cells[0]), secondCol = rows.map(r => r.cells[1]);
  const rowHead = differs(firstRow, secondRow), colHead = differs(firstCol.slice(1), secondCol.slice(1));
  out.push({...A11Y.describe(table), rows: rows.length, cols: width, rowHead, colHead,
            nested: !!table.querySelector("table")});
}
return out;
