#!/usr/bin/env node
// Opens keel HTML reports in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core from web/node_modules) and checks what a person would see:
//   * the page loads from a file:// URL and makes no network request;
//   * no console error and no uncaught page error (chart failures are logged with console.error),
//     and no console warning either (Vega-Lite warns when it had to fix a spec up: a dropped
//     channel, an invalid scale) unless --allow-warnings is given;
//   * every chart container ends with an <svg> holding data marks (path/rect/line elements of
//     Vega's role-mark groups, not just axes), and none shows an error box;
//   * what a reader notices at once: no "-0.00" (negative zero) and no "dayly" in the page text,
//     no SVG or table wider than its card unless it scrolls inside it, and time axes spanning
//     more than a year name their years (an axis of month names only fails);
// and saves a full-page screenshot of each report and prints how long the charts took.
//
// usage: node check_reports.mjs [--screenshots DIR] [--max-ms MS] [--allow-warnings] REPORT.html...
// Exit code 0 when every report passes, 1 otherwise.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = process.env.KEEL_WEB_DIR || path.resolve(here, "../../web");
const executablePath = process.env.KEEL_CHROMIUM || "/usr/bin/chromium";
const require = createRequire(path.join(webDir, "package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
let screenshots = null;
let maxMs = Infinity;
let allowWarnings = false;
const reports = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === "--screenshots") screenshots = args[++i];
  else if (args[i] === "--max-ms") maxMs = Number(args[++i]);
  else if (args[i] === "--allow-warnings") allowWarnings = true;
  else reports.push(args[i]);
}
if (reports.length === 0) {
  console.error("usage: node check_reports.mjs [--screenshots DIR] [--max-ms MS] [--allow-warnings] REPORT.html...");
  process.exit(2);
}
if (screenshots) fs.mkdirSync(screenshots, { recursive: true });

const browser = await chromium.launch({ executablePath, headless: true });
let passed = 0;
let failed = 0;
try {
  for (const report of reports) {
    const problems = [];
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const warnings = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
      if (msg.type() === "warning") warnings.push(msg.text());
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("request", (req) => {
      const url = req.url();
      if (!/^(file|data|blob|about):/.test(url)) problems.push(`network request: ${url}`);
    });

    const started = Date.now();
    let charts = [];
    let timing = { done: NaN, scripts: NaN };
    try {
      await page.goto(pathToFileURL(path.resolve(report)).href, { waitUntil: "load" });
      await page.waitForFunction(
        () => document.documentElement.getAttribute("data-keel-charts") === "done",
        null, { timeout: 30000 });
      timing = await page.evaluate(() => ({ done: performance.now(), scripts: window.keelRenderMs }));
      charts = await page.$$eval("[data-keel-chart]", (elements) => elements.map((el) => ({
        name: el.getAttribute("aria-label") || "(untitled)",
        state: el.getAttribute("data-keel-state"),
        svg: el.querySelectorAll("svg").length,
        marks: el.querySelectorAll("svg g.role-mark path, svg g.role-mark rect, svg g.role-mark line").length,
        error: el.querySelector(".chart-error")?.textContent || "",
      })));
      const details = await page.evaluate(() => {
        const found = [];
        const text = document.body.innerText;
        const negativeZero = text.match(/[-\u2212]0(\.0+)?%?(?![\d.])/g);
        if (negativeZero) found.push(`negative zero in the text: ${negativeZero.slice(0, 3).join(", ")}`);
        if (/dayly/i.test(text)) found.push("the typo 'dayly' is in the text");
        // A table is cut off when it is wider than its scroll box and that box does not scroll.
        document.querySelectorAll("div.scroll").forEach((box, i) => {
          const style = getComputedStyle(box);
          const scrolls = style.overflowX === "auto" || style.overflowX === "scroll";
          if (box.scrollWidth > box.clientWidth + 1 && !scrolls) found.push(`table ${i} is cut off`);
          const card = box.closest("section.report-section");
          if (card && box.getBoundingClientRect().right > card.getBoundingClientRect().right + 1) {
            found.push(`table ${i} sticks out of its card`);
          }
        });
        // Time axes: ticks that are month names only ("April") with no year anywhere on the axis.
        const months = /^(January|February|March|April|May|June|July|August|September|October|November|December)$/;
        document.querySelectorAll("[data-keel-chart] svg g.role-axis").forEach((axis) => {
          const labels = [...axis.querySelectorAll("g.role-axis-label text")].map((t) => t.textContent.trim());
          if (labels.length >= 3 && labels.some((l) => months.test(l)) && !labels.some((l) => /\d{4}/.test(l))) {
            found.push(`a time axis shows month names without years: ${labels.slice(0, 4).join(", ")}`);
          }
        });
        return found;
      });
      problems.push(...details);
    } catch (err) {
      problems.push(`did not finish rendering: ${err.message}`);
    }
    const wall = Date.now() - started;
    if (!allowWarnings) {
      for (const w of warnings) problems.push(`console warning: ${w}`);
    }
    if (charts.length === 0 && problems.length === 0) problems.push("no chart containers found");
    for (const c of charts) {
      if (c.state !== "rendered") problems.push(`chart '${c.name}' state ${c.state}: ${c.error}`);
      else if (c.svg === 0) problems.push(`chart '${c.name}' has no <svg>`);
      else if (c.marks === 0) problems.push(`chart '${c.name}' has an empty <svg> (no marks)`);
    }
    if (timing.done > maxMs) {
      problems.push(`charts took ${timing.done.toFixed(0)} ms after navigation start (limit ${maxMs} ms)`);
    }
    if (screenshots) {
      const png = path.join(screenshots, path.basename(report).replace(/\.html?$/i, "") + ".png");
      await page.screenshot({ path: png, fullPage: true }).catch((err) =>
        problems.push(`screenshot failed: ${err.message}`));
    }
    await context.close();

    const size = (fs.statSync(report).size / 1024).toFixed(0);
    const marks = charts.map((c) => c.marks).join("/");
    const line = `${path.basename(report)}: ${charts.length} charts (marks ${marks}), ${size} KiB, ` +
      `rendered ${timing.done.toFixed(0)} ms after navigation start ` +
      `(chart scripts ${Number(timing.scripts).toFixed(0)} ms, wall ${wall} ms)`;
    if (problems.length === 0) {
      ++passed;
      console.log(`PASS ${line}`);
    } else {
      ++failed;
      console.log(`FAIL ${line}`);
      for (const p of problems) console.log(`  - ${p}`);
    }
    if (allowWarnings) {
      for (const w of warnings) console.log(`  warning: ${w}`);
    }
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
