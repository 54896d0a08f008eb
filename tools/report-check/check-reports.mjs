// Serves a folder of mlship HTML reports with Jenkins' default Content-Security-Policy, renders each in the
// machine's headless Chromium (puppeteer-core) at 1280 px and fails on any CSP violation, on tables the
// stylesheet did not style, and on a table cell that breaks a word between two letters or digits.
// Writes a full-page PNG of each report.
//
//   node check-reports.mjs DIR [--screenshots OUT_DIR]
//
// Exit: 0 every report passed, 1 a report failed, 2 bad input (no folder, no report), 3 Chromium missing or broken.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import puppeteer from 'puppeteer-core';

// Exactly what Jenkins sends with archived files (hudson.model.DirectoryBrowserSupport.CSP's default).
export const JENKINS_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'self';";
const WIDTH = 1280;
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json', '.xml': 'application/xml' };

function usage(message) {
  console.error(`check-reports: ${message}\nusage: check-reports DIR [--screenshots OUT_DIR]`);
  process.exit(2);
}

function parseArgs(argv) {
  let dir = null;
  let shots = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--screenshots') {
      shots = argv[++i] ?? usage('--screenshots needs a folder');
    } else if (argv[i].startsWith('-')) {
      usage(`unknown option ${argv[i]}`);
    } else if (dir === null) {
      dir = argv[i];
    } else {
      usage(`one folder only (got ${dir} and ${argv[i]})`);
    }
  }
  if (dir === null) usage('name the folder of reports');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) usage(`${dir} is not a folder`);
  return { dir: resolve(dir), shots: shots === null ? null : resolve(shots) };
}

function reportsUnder(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...reportsUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.html')) found.push(path);
  }
  return found.sort();
}

/** Serves files under root only, each with Jenkins' CSP header, as Jenkins serves a build's artifacts. */
function serve(root) {
  const server = createServer((req, res) => {
    const path = resolve(root, '.' + decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const headers = { 'Content-Security-Policy': JENKINS_CSP, 'X-Content-Type-Options': 'nosniff' };
    if (!(path === root || path.startsWith(root + sep)) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

function chromiumPath() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    console.error('check-reports: Chromium is missing: install Debian\'s chromium package (bin/setup does, from '
      + 'bin/packages/report.txt), or set CHROMIUM to its path');
    process.exit(3);
  }
  return found;
}

// Runs in the page after it loaded: what the stylesheet should have done, and words broken across lines.
function inspectPage() {
  const problems = [];
  const root = getComputedStyle(document.documentElement).getPropertyValue('--mlship-report').trim();
  if (root !== '1') problems.push('the stylesheet mlship-report.css did not apply (--mlship-report is unset)');
  const inline = document.querySelectorAll('style, script, [style]');
  if (inline.length > 0) problems.push(`${inline.length} inline <style>, <script> or style= (blocked by the CSP)`);
  const tables = [...document.querySelectorAll('table')];
  let cells = 0;
  tables.forEach((table, t) => {
    const name = table.id ? `table #${table.id}` : `table ${t + 1}`;
    if (getComputedStyle(table).borderCollapse !== 'collapse') problems.push(`${name} is unstyled (border-collapse is not collapse)`);
    if (table.getBoundingClientRect().right > window.innerWidth) {
      problems.push(`${name} is wider than ${window.innerWidth} px (${Math.round(table.getBoundingClientRect().width)} px)`);
    }
    for (const cell of table.querySelectorAll('th, td')) {
      cells++;
      const s = getComputedStyle(cell);
      if (s.borderTopStyle !== 'solid' || s.paddingLeft === '0px') {
        problems.push(`${name}: cell "${cell.textContent.slice(0, 40)}" is unstyled (no border or padding)`);
        continue;
      }
      if (cell.tagName === 'TH' && s.backgroundColor === 'rgba(0, 0, 0, 0)') {
        problems.push(`${name}: header "${cell.textContent.slice(0, 40)}" has no background`);
      }
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size < 2) continue;
          // A long path may wrap after "/" or "-" as text does; a break between two letters or digits ("pa / ss / ed")
          // is the column squeezing the word.
          const top = (i) => {
            const c = document.createRange();
            c.setStart(node, m.index + i);
            c.setEnd(node, m.index + i + 1);
            const r = [...c.getClientRects()].find((x) => x.width > 0);
            return r ? Math.round(r.top) : null;
          };
          const breaks = [];
          for (let i = 1, prev = top(0); i < m[0].length; i++) {
            const t = top(i);
            if (t !== null && prev !== null && t !== prev && /[\p{L}\p{N}]/u.test(m[0][i - 1]) && /[\p{L}\p{N}]/u.test(m[0][i])) {
              breaks.push(`${m[0][i - 1]}|${m[0][i]}`);
            }
            if (t !== null) prev = t;
          }
          if (breaks.length > 0) {
            problems.push(`${name}: the word "${m[0].slice(0, 60)}" is broken over ${lines.size} lines, mid-word at ${breaks.join(', ')}`);
          }
        }
      }
    }
  });
  return { problems, tables: tables.length, cells, svgs: document.querySelectorAll('svg').length };
}

async function check(browser, base, root, file, shots) {
  const rel = relative(root, file).split(sep).join('/');
  const page = await browser.newPage();
  await page.setViewport({ width: WIDTH, height: 900 });
  const violations = [];
  // The event a violation raises, heard by a script injected before the page's own (if scripts may run at all:
  // the CSP's sandbox forbids them, so the console's "Refused to …" and DevTools' CSP issues are heard as well).
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused (securitypolicyviolation): ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const cdp = await page.createCDPSession();
  cdp.on('Log.entryAdded', ({ entry }) => {
    if (/Refused to|Content Security Policy/i.test(entry.text)) violations.push(entry.text);
  });
  cdp.on('Audits.issueAdded', ({ issue }) => {
    const d = issue.details?.contentSecurityPolicyIssueDetails;
    if (d) violations.push(`CSP issue: ${d.contentSecurityPolicyViolationType} ${d.violatedDirective} ${d.blockedURL ?? ''}`.trim());
  });
  await cdp.send('Log.enable');
  await cdp.send('Audits.enable');
  page.on('console', (msg) => {
    if (/Refused to|securitypolicyviolation/i.test(msg.text())) violations.push(msg.text());
  });
  page.on('requestfailed', (req) => {
    if (/CSP/i.test(req.failure()?.errorText ?? '')) violations.push(`blocked ${req.url()}: ${req.failure().errorText}`);
  });
  const response = await page.goto(`${base}/${rel.split('/').map(encodeURIComponent).join('/')}`, { waitUntil: 'load', timeout: 30000 });
  if (response.headers()['content-security-policy'] !== JENKINS_CSP) throw new Error(`${rel} was not served with Jenkins' CSP`);
  await new Promise((ok) => setTimeout(ok, 150)); // let late console and issue events arrive
  const seen = await page.evaluate(inspectPage);
  if (shots) {
    const png = join(shots, rel.replace(/\//g, '__').replace(/\.html$/, '.png'));
    await page.screenshot({ path: png, fullPage: true });
    seen.screenshot = png;
  }
  await page.close();
  const problems = [...new Set(violations)].map((v) => `CSP violation: ${v}`).concat(seen.problems);
  return { rel, ...seen, problems };
}

async function main() {
  const { dir, shots } = parseArgs(process.argv.slice(2));
  const reports = reportsUnder(dir);
  if (reports.length === 0) usage(`no .html report under ${dir}`);
  if (shots) mkdirSync(shots, { recursive: true });
  const executablePath = chromiumPath();
  const server = await serve(dir);
  const base = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath, headless: true, timeout: 30000, protocolTimeout: 30000,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-quic', `--window-size=${WIDTH},900`] });
  } catch (e) {
    console.error(`check-reports: Chromium (${executablePath}) did not start: ${e.message}`);
    server.close();
    process.exit(3);
  }
  let failed = 0;
  try {
    for (const file of reports) {
      const r = await check(browser, base, dir, file, shots);
      const what = `${r.tables} tables, ${r.cells} cells, ${r.svgs} svg` + (r.screenshot ? ` → ${r.screenshot}` : '');
      if (r.problems.length === 0) {
        console.log(`ok    ${r.rel} (${what})`);
      } else {
        failed++;
        console.log(`FAIL  ${r.rel} (${what})`);
        r.problems.forEach((p) => console.log(`      ${p}`));
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`reports under Jenkins' CSP: ${reports.length - failed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`check-reports: ${e.stack ?? e}`);
  process.exit(3);
});
