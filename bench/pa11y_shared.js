// pa11y 9.1.1 over many URLs with ONE shared browser (Debian chromium, no download).
// Usage: node bench/pa11y_shared.js <tools dir> <url>...   → JSON {url: issues} on stdout.
const path = require("path");
const tools = path.resolve(process.argv[2]);
const pa11y = require(path.join(tools, "node_modules", "pa11y"));
const puppeteer = require(path.join(tools, "node_modules", "puppeteer"));
(async () => {
  const browser = await puppeteer.launch({executablePath: "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]});
  const out = {};
  for (const url of process.argv.slice(3)) {
    const result = await pa11y(url, {browser, standard: "WCAG2AA", timeout: 30000});
    out[url] = result.issues.length;
  }
  await browser.close();
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
