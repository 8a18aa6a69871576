// Browser test of the dashboard: node tests/e2e/dashboard.mjs URL OUT_PNG
//
// Drives Debian's Chromium through playwright-core (web/node_modules) and checks
// real outcomes on a page served by a running ecobrain (tests/e2e/test_dashboard.sh
// starts one and feeds it with the simulator):
//   1. the Zhejiang map is drawn and has site points coloured by the API's colour;
//   2. clicking a site on the map, then a row of the AQI table, opens its chart
//      with data points;
//   3. at least one live update (aqi / value / alert) arrives over SSE after load;
//   4. the targets and rankings frames answer (a placeholder when the API says 404);
//   5. the English switch gives the English title, and the choice survives a reload;
//   6. no console errors or warnings and no uncaught page errors, except the
//      browser's own "Failed to load resource: 404" line for /api/v1/targets and
//      /api/v1/rankings, which the page calls on purpose (they are not built yet).
// Exit 0 when all hold, 1 otherwise (each failure is printed).
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../web/package.json'));
const { chromium } = require('playwright-core');

const [url, outPng] = process.argv.slice(2);
if (!url || !outPng) {
  console.error('usage: node tests/e2e/dashboard.mjs URL OUT_PNG');
  process.exit(2);
}
const STEP_MS = 30000;    // any single wait
const LIVE_MS = 120000;   // waiting for the first live update
const EXPECTED_404 = /\/api\/v1\/(targets|rankings)(\?|$)/;

const failures = [];
const console_ = [];      // console errors/warnings and page errors, as collected
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
  return ok;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // launch() runs Chromium on a fresh temporary user-data-dir of its own.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: STEP_MS,
});
const watchdog = setTimeout(() => {
  console.error('dashboard.mjs: overall timeout (5 min)');
  process.exit(1);
}, 300000);

let exitCode = 1;
try {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const loc = m.location() || {};
    const expected = m.type() === 'error' && /Failed to load resource: .*404/.test(m.text()) &&
      EXPECTED_404.test(loc.url || '');
    console_.push({ kind: m.type(), text: m.text(), url: loc.url || '', expected });
  });
  page.on('pageerror', (e) => console_.push({ kind: 'pageerror', text: String(e && e.stack || e), expected: false }));

  // ---- 1. the map and its points
  const resp = await page.goto(url, { waitUntil: 'load' });
  check(resp && resp.status() === 200, `GET ${url} answers 200 (got ${resp && resp.status()})`);
  check((await page.textContent('#title')) === '生态环境大脑 · 一张网', 'Chinese title by default');
  await page.waitForFunction(() => window.ecobrain && window.ecobrain.ready && window.ecobrain.coloredPoints > 0)
    .catch(() => {});
  const eb0 = await page.evaluate(() => ({ ...window.ecobrain }));
  console.log(`     map: ${eb0.airPoints} air + ${eb0.waterPoints} water points, ${eb0.coloredPoints} coloured, ` +
              `${eb0.greyPoints} grey, ${eb0.noCoords} listed without coordinates; ${eb0.aqiRows} AQI rows`);
  check(eb0.ready, 'page finished loading (window.ecobrain.ready)');
  check(eb0.coloredPoints > 0, 'the map has site points coloured by AQI');
  // The same from the ECharts option itself: the geo map and points with a colour other than grey.
  const opt = await page.evaluate(() => {
    const c = echarts.getInstanceByDom(document.getElementById('map'));
    const o = c.getOption();
    const pts = [].concat(...o.series.map((s) => s.data || []));
    return {
      map: o.geo && o.geo[0] && o.geo[0].map,
      regions: (echarts.getMap('zhejiang') || { geoJSON: { features: [] } }).geoJSON.features.length,
      points: pts.length,
      colours: [...new Set(pts.map((d) => d.itemStyle && d.itemStyle.color).filter((x) => x && x !== '#9E9E9E'))],
    };
  });
  check(opt.map === 'zhejiang' && opt.regions >= 11, `the geo map is Zhejiang (${opt.regions} regions)`);
  check(opt.points > 0 && opt.colours.length > 0,
        `ECharts option: ${opt.points} points, colours ${opt.colours.join(' ')}`);
  const rows = await page.$$eval('#aqi-table tbody tr[data-site]', (t) => t.length);
  check(rows > 0, `AQI table has ${rows} rows`);
  // sortable: the first AQI is the largest, then the smallest after a click
  const aqis = async () => page.$$eval('#aqi-table tbody tr[data-site] .aqi-badge:not(.na)', (b) => b.map((x) => +x.textContent));
  const desc = await aqis();
  await page.click('#sort-aqi');
  const asc = await aqis();
  check(desc.length > 0 && desc.every((v, i) => i === 0 || desc[i - 1] >= v) && asc.every((v, i) => i === 0 || asc[i - 1] <= v),
        'AQI table sorts by AQI, both ways');
  await page.click('#sort-aqi');

  // ---- 2. click a site on the map, then in the table
  const target = await page.evaluate(() => {
    const c = echarts.getInstanceByDom(document.getElementById('map'));
    const d = (c.getOption().series[0].data || []).find((x) => x.itemStyle && x.itemStyle.color !== '#9E9E9E');
    return d ? { site: d.site, px: window.ecobrain.sitePixel(d.site) } : null;
  });
  if (check(target && target.px, `a coloured air site to click on the map (${target && target.site})`)) {
    await page.mouse.move(target.px[0], target.px[1]);
    await page.mouse.click(target.px[0], target.px[1]);
    // Points of one city can overlap: the click selects the topmost one there.
    const ok = await page.waitForFunction(() => window.ecobrain.selected && window.ecobrain.chartPoints > 0)
      .then(() => true, () => false);
    const sel = await page.evaluate(() => [window.ecobrain.selected, window.ecobrain.factor, window.ecobrain.chartPoints]);
    check(ok, `map click opened ${sel[0]}'s chart (${sel[1]}, ${sel[2]} points)`);
  }
  // a row of another site than the one the map click opened
  const rowSite = await page.locator('#aqi-table tbody tr[data-site]:not(.sel)').first().getAttribute('data-site');
  // by its site, not "the first row": live updates re-render and re-sort the table between the two steps
  await page.locator(`#aqi-table tbody tr[data-site="${rowSite}"]`).click();
  const ok2 = await page.waitForFunction((s) => window.ecobrain.selected === s && window.ecobrain.chartPoints > 0, rowSite)
    .then(() => true, () => false);
  const chartInfo = await page.evaluate(() => {
    const c = echarts.getInstanceByDom(document.getElementById('chart'));
    const o = c && c.getOption();
    return o ? { series: o.series.length, points: o.series.reduce((n, s) => n + s.data.filter((v) => v != null).length, 0),
                 first: o.xAxis[0].data[0], factors: document.querySelectorAll('#factor option').length } : null;
  });
  check(ok2 && chartInfo && chartInfo.points > 0,
        `table click opened ${rowSite}'s chart: ${chartInfo && chartInfo.points} points from ${chartInfo && chartInfo.first}, ` +
        `${chartInfo && chartInfo.factors} factors to choose from`);
  check(chartInfo && /\+08:00$/.test(chartInfo.first || ''), 'chart times are the API\'s Beijing times (+08:00)');

  // ---- 3. a live update over SSE after load
  const live = await page.waitForFunction(() => {
    const t = window.ecobrain.sseByType;
    return (t.aqi || 0) + (t.value || 0) + (t.alert || 0) > 0 && window.ecobrain.lastUpdate;
  }, null, { timeout: LIVE_MS }).then(() => true, () => false);
  const eb1 = await page.evaluate(() => ({ ...window.ecobrain }));
  check(live, `live update over SSE (events ${JSON.stringify(eb1.sseByType)}, last update ${eb1.lastUpdate}, state ${eb1.live})`);
  check(eb1.live === 'on', 'live indicator says connected');
  // The open chart grows with the stream's new hourly values of its site and factor.
  const grew = await page.waitForFunction((n) => window.ecobrain.chartPoints > n, chartInfo ? chartInfo.points : 0,
    { timeout: LIVE_MS }).then(() => true, () => false);
  const pts = await page.evaluate(() => window.ecobrain.chartPoints);
  check(grew, `the open chart grew live from ${chartInfo && chartInfo.points} to ${pts} points`);
  check(/^\d{2}:\d{2}:\d{2}$/.test((await page.textContent('#last-update')) || ''), 'time of the last update shown');

  // ---- 4. targets / rankings frames
  await page.waitForFunction(() => window.ecobrain.targets !== 'pending' && window.ecobrain.rankings !== 'pending')
    .catch(() => {});
  const frames = await page.evaluate(() => [window.ecobrain.targets, window.ecobrain.rankings,
    document.getElementById('targets').textContent.trim(), document.getElementById('rankings').textContent.trim()]);
  check(['ok', 'not_configured'].includes(frames[0]) && ['ok', 'not_configured'].includes(frames[1]),
        `targets: ${frames[0]} (${frames[2].slice(0, 30)}), rankings: ${frames[1]} (${frames[3].slice(0, 30)})`);

  fs.mkdirSync(path.dirname(path.resolve(outPng)), { recursive: true });
  await page.screenshot({ path: outPng, fullPage: true });
  console.log(`     screenshot: ${outPng}`);

  // ---- 5. English
  await page.click('#lang');
  check((await page.textContent('#title')) === 'ecobrain · one network', 'English switch: English title');
  check((await page.title()) === 'ecobrain · one network', 'English switch: document title');
  check((await page.textContent('#targets')).includes('not configured yet') || frames[0] === 'ok',
        'English placeholder for an unconfigured frame');
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.ecobrain && window.ecobrain.ready).catch(() => {});
  check((await page.textContent('#title')) === 'ecobrain · one network', 'the language choice survives a reload (localStorage)');
  await page.screenshot({ path: outPng.replace(/\.png$/, '') + '-en.png', fullPage: true });
  await page.click('#lang');
  check((await page.textContent('#title')) === '生态环境大脑 · 一张网', 'and back to Chinese');

  // ---- 6. console
  await page.waitForTimeout(500);   // let the last responses settle (not an assertion)
  for (const m of console_) console.log(`     console ${m.kind}${m.expected ? ' (expected 404 of a route not built yet)' : ''}: ${m.text} ${m.url}`);
  const bad = console_.filter((m) => !m.expected);
  check(bad.length === 0, `no console errors or warnings, no page errors (${bad.length} found)`);
  exitCode = failures.length ? 1 : 0;
} catch (e) {
  console.log(`FAIL ${e && e.stack || e}`);
  exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await browser.close().catch(() => {});
}
console.log(exitCode === 0 ? 'dashboard: all checks passed' : `dashboard: ${failures.length || 1} check(s) failed`);
process.exit(exitCode);
