// Hashlab's page in a real headless Chromium, as a person would use it.
//
// The server and the browser come from harness.mjs. Screenshots go to
// target/screenshots/. Timings are printed, not asserted.
//
//   cd e2e && npm ci && npm test

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { h, open, startHarness, stopHarness, SHOTS, DESKTOP, PHONE } from './harness.mjs';

before(startHarness);
after(stopHarness);

/** What a person reads: headline figures and the charts' SVG. */
async function figures(page) {
  return page.evaluate(() => ({
    headlines: [...document.querySelectorAll('.headline')].map((h) => h.innerText),
    charts: Object.fromEntries([...document.querySelectorAll('.chart')].map((c) => [c.dataset.chart, c.querySelector('.svg').innerHTML])),
  }));
}

/** Values of every control, by field name. */
async function controlValues(page) {
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('input[data-value]')].map((i) => [i.dataset.value, i.value]),
  ));
}

test('the server-rendered page has charts before any script runs', async () => {
  await fetch(`${h.base}/`); // the default run is cached from here on (the server also warms it at start)
  const median = async (url, encoding) => {
    const samples = [];
    let text = '';
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const response = await fetch(url, { headers: { 'accept-encoding': encoding } });
      text = await response.text();
      samples.push(performance.now() - started);
      assert.equal(response.status, 200);
    }
    samples.sort((a, b) => a - b);
    return [samples[2], text];
  };
  const [plain, html] = await median(`${h.base}/`, 'identity');
  const [brotli] = await median(`${h.base}/`, 'br');
  h.timings['SSR full response, default scenario, cached run (median of 5): uncompressed / br'] = `${plain.toFixed(1)} ms / ${brotli.toFixed(1)} ms`;
  const cold = [];
  for (const seed of [1001, 1002, 1003]) {
    const started = performance.now();
    await (await fetch(`${h.base}/?v=1&seed=${seed}`, { headers: { 'accept-encoding': 'identity' } })).text();
    cold.push(performance.now() - started);
  }
  h.timings['SSR full response, a scenario not run before (3 seeds)'] = cold.map((ms) => `${ms.toFixed(1)} ms`).join(', ');
  for (const id of h.chartIds) {
    const section = html.match(new RegExp(`<section[^>]*id="chart-${id}"[\\s\\S]*?</section>`));
    assert.ok(section, `chart ${id} is in the HTML`);
    assert.match(section[0], /<svg[^>]*viewBox/, `chart ${id} has an SVG`);
    assert.match(section[0], /<polyline|<polygon|<path/, `chart ${id} has data drawn`);
  }
  assert.equal((html.match(/class="headline"/g) ?? []).length, 6, "six headline figures");
  assert.ok(!/__RESOLVED_RESOURCES[\s\S]*\\u003csvg|__RESOLVED_RESOURCES[^\n]*<svg/.test(html), 'the SVG is not sent twice');
  const compressed = await fetch(`${h.base}/`, { headers: { 'accept-encoding': 'br, gzip' } });
  h.timings['HTML size'] = `${html.length} B raw, encoding ${compressed.headers.get('content-encoding')}`;
});

test('an arrow key and a typed value each run a new scenario and redraw every chart (timed)', async () => {
  const { page, errors } = await open(`${h.base}/`);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  /** Does `act`, waits for the redraw it starts, and returns the app's time for it and the price in the link. */
  const timed = async (act) => {
    await page.evaluate(() => document.body.removeAttribute('data-redraw-ms'));
    const before = page.url();
    await act();
    await page.waitForSelector('body[data-redraw-ms]', { timeout: 30_000 });
    assert.notEqual(page.url(), before, 'the link changed');
    return Number(await page.evaluate(() => document.body.dataset.redrawMs));
  };
  const arrows = [];
  // Each change asks the server once: the request sent as the key goes down is the one the page's run takes.
  const pageViews = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/page-view')) pageViews.push(request.url());
  });
  await page.focus('input.slider[data-field="start_price_usd"]');
  for (let i = 0; i < 5; i += 1) arrows.push(await timed(() => page.keyboard.press('ArrowRight')));
  await page.waitForTimeout(200);
  assert.equal(pageViews.length, 5, `one page-view request per arrow key: ${pageViews.length} for 5`);
  const typed = [];
  for (let i = 0; i < 5; i += 1) {
    typed.push(await timed(async () => {
      await page.fill('input[data-value="start_price_usd"]', String(70_000 + 1_000 * i));
      await page.press('input[data-value="start_price_usd"]', 'Enter');
    }));
  }
  assert.match(page.url(), /start_price_usd=74000/);
  assert.equal(pageViews.length, 10, `one page-view request per change: ${pageViews.length} for 10`);
  // Issue 22 asks for 50 ms for each; printed, not asserted (a timing).
  h.timings['arrow key on the price slider -> all charts redrawn (new scenario each time), median of 5'] = `${median(arrows).toFixed(1)} ms (${arrows.map((t) => t.toFixed(0)).join(', ')})`;
  h.timings['typed price + Enter -> all charts redrawn (new scenario each time), median of 5'] = `${median(typed).toFixed(1)} ms (${typed.map((t) => t.toFixed(0)).join(', ')})`;
  assert.deepEqual(errors, []);
});

test('moving a slider redraws the charts and changes the URL; the URL reproduces the run', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  await page.screenshot({ path: path.join(SHOTS, 'desktop-1280x800.png') });
  await page.screenshot({ path: path.join(SHOTS, 'desktop-1280x800-full.png'), fullPage: true });
  const before = await figures(page);
  for (const id of h.chartIds) assert.ok(before.charts[id].length > 1000, `chart ${id} is still drawn after hydration`);

  await page.evaluate(() => {
    window.__changeAt = null;
    window.__lastMutation = null;
    document.addEventListener('change', () => { window.__changeAt = performance.now(); }, true);
    new MutationObserver(() => { window.__lastMutation = performance.now(); })
      .observe(document.querySelector('.results'), { childList: true, subtree: true, characterData: true });
    document.body.removeAttribute('data-redraw-ms');
  });
  // The price slider moves in equal ratios (position 0..1000 over $11,000..$1,100,000):
  // position 350 is $55,100 (three significant digits).
  assert.equal(await page.getAttribute('input.slider[data-field="start_price_usd"]', 'data-scale'), 'log');
  assert.equal(await page.inputValue('input.slider[data-field="start_price_usd"]'), '500', 'the default $110,000 sits mid-slider');
  await page.locator('input.slider[data-field="start_price_usd"]').fill('350');
  await page.waitForURL(/start_price_usd=55100/);
  await page.waitForSelector('body[data-redraw-ms]', { timeout: 30_000 });
  const redraw = await page.evaluate(() => ({
    app: Number(document.body.dataset.redrawMs),
    dom: window.__lastMutation - window.__changeAt,
  }));
  const serverMs = await page.locator('.model-version').innerText();
  h.timings['slider change -> all charts redrawn (DOM mutation)'] = `${redraw.dom.toFixed(1)} ms (${serverMs.match(/in (\d+) ms/)?.[1]} ms of it on the server: run + ${h.chartIds.length} charts)`;
  h.timings['slider change -> next frame after redraw (app)'] = `${redraw.app.toFixed(1)} ms`;

  const after = await figures(page);
  assert.notEqual(after.charts.hashprice, before.charts.hashprice, 'the hashprice chart changed');
  assert.notDeepEqual(after.headlines, before.headlines, 'the headline figures changed');
  assert.equal(await page.inputValue('input[data-value="start_price_usd"]'), '55100');
  const url = page.url();
  const shared = await page.inputValue('#share-link');
  assert.ok(shared.startsWith(`${h.base}/?`) && /start_price_usd=55100/.test(shared), shared);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.base });
  await page.click('button.copy');
  await page.waitForSelector('button.copy:text("Copied")');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shared, 'the copied link is the shown one');

  // The same link in a fresh browser context: identical figures and charts.
  const fresh = await open(url);
  const again = await figures(fresh.page);
  assert.deepEqual(again.headlines, after.headlines);
  for (const id of h.chartIds) assert.equal(again.charts[id], after.charts[id], `chart ${id} is identical`);
  await fresh.context.close();

  // Pinning a baseline overlays it dashed.
  await page.click('button.pin');
  await page.locator('input.slider[data-field="start_price_usd"]').fill('650');
  await page.waitForURL(/start_price_usd=219000/);
  await page.waitForSelector('.baseline-note');
  assert.ok((await page.locator('.headline-baseline').count()) >= 6, 'baseline figures shown');
  await page.screenshot({ path: path.join(SHOTS, 'desktop-baseline-full.png'), fullPage: true });

  // The pointer readout.
  const plot = page.locator('#chart-hashrate .plot');
  await plot.scrollIntoViewIfNeeded();
  const box = await plot.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForSelector('#chart-hashrate .readout');
  assert.match(await page.locator('#chart-hashrate .readout').innerText(), /\d{4}-\d{2}-\d{2}[\s\S]*EH\/s/);
  await plot.screenshot({ path: path.join(SHOTS, 'readout.png') });
  // And from the keyboard.
  await page.mouse.move(0, 0);
  await page.locator('#chart-security-budget .plot').focus();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  assert.match(await page.locator('#chart-security-budget .readout').innerText(), /Security budget, 7-day mean: .* USD\/day/);

  assert.deepEqual(errors, [], 'no errors in the console');
  await context.close();
});

test('three named baselines are pinned, drawn and named on the charts, and carried in the link', async () => {
  const { context, page, errors } = await open(`${h.base}/?${SMALL}`);
  const pinAs = async (name, count) => {
    if (name) await page.fill('#pin-name', name);
    await page.click('button.pin');
    await page.waitForFunction((n) => document.querySelectorAll('.baseline-note .baseline-key').length === n, count, { timeout: 30_000 });
  };
  const price = async (position, pattern) => {
    await page.locator('input.slider[data-field="start_price_usd"]').fill(position);
    await page.waitForURL(pattern);
  };
  await pinAs('Calm & steady', 1);
  await price('400', /start_price_usd=69400/);
  await pinAs('Cheaper', 2);
  await price('300', /start_price_usd=43800/);
  await pinAs('', 3);
  assert.equal(await page.innerText('button.pin'), 'Three baselines pinned');
  assert.ok(await page.isDisabled('button.pin'));
  const url = new URL(page.url());
  assert.deepEqual([1, 2, 3].map((n) => url.searchParams.get(`base${n}_name`)), ['Calm & steady', 'Cheaper', 'Baseline 3']);
  assert.match(url.searchParams.get('base2'), /start_price_usd=69400/);
  // Each is named in the grey headline figures, the chart's legend and its table.
  const firstHeadline = await page.locator('.headline').first().locator('.headline-baseline').allInnerTexts();
  assert.deepEqual(firstHeadline.map((t) => t.split(':')[0]), ['Calm & steady', 'Cheaper', 'Baseline 3']);
  const legend = await page.innerText('#chart-hashrate .legend');
  for (const words of ['Calm & steady: baseline, dashed lines', 'Cheaper: baseline, dotted lines', 'Baseline 3: baseline, long-dashed lines']) {
    assert.ok(legend.includes(words), legend);
  }
  assert.ok((await page.locator('#chart-hashrate .chart-table thead').textContent()).includes('Hash rate, Cheaper (EH/s)'), 'named in the chart\'s table');
  // The downloads draw them too.
  assert.match(await page.getAttribute('#chart-hashrate a[data-download="hashrate.png"]', 'href'), /&base1=.*&base3_name=Baseline\+3/);
  await page.screenshot({ path: path.join(SHOTS, 'baselines-three.png'), fullPage: true });
  // The link reproduces them in a fresh browser.
  const fresh = await open(page.url());
  assert.deepEqual(await fresh.page.locator('.baseline-note .baseline-key').allInnerTexts(), ['Calm & steady', 'Cheaper', 'Baseline 3']);
  await fresh.context.close();
  // Removing the second keeps the others, in order.
  await page.click('.pinned-item[data-pinned="1"] .unpin');
  await page.waitForFunction(() => document.querySelectorAll('.baseline-note .baseline-key').length === 2, null, { timeout: 30_000 });
  const after = new URL(page.url());
  assert.deepEqual([after.searchParams.get('base1_name'), after.searchParams.get('base2_name'), after.searchParams.get('base3')], ['Calm & steady', 'Baseline 3', null]);
  assert.ok(!(await page.isDisabled('button.pin')));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a history preset draws the observed series beside the model\'s; its share link draws the same', async () => {
  const served = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    const html = await (await fetch(`${h.base}/?preset=history-2022`, { headers: { 'accept-encoding': 'identity' } })).text();
    served.push(performance.now() - started);
    assert.match(html, /Hash rate, observed \(7-day mean\)/, 'named before any script runs');
  }
  h.timings['SSR full response, history-2022 (a year replayed, observed series drawn): first, then cached'] = served.map((ms) => `${ms.toFixed(1)} ms`).join(', ');
  const { context, page, errors } = await open(`${h.base}/?preset=history-2022`);
  const observed = async (p) => ({
    hashrate: await p.locator('#chart-hashrate .legend').innerText(),
    hashprice: await p.locator('#chart-hashprice .legend').innerText(),
    price: await p.locator('#chart-price .legend').innerText(),
  });
  const legends = await observed(page);
  assert.match(legends.hashrate, /Hash rate, observed \(7-day mean\)/);
  assert.match(legends.hashrate, /Difficulty, observed \(right axis\)/);
  assert.match(legends.hashprice, /Hashprice, observed/);
  assert.match(legends.price, /Price, observed/, 'the price chart, with the observed price');
  assert.equal(await page.locator('#chart-price svg').count(), 1, 'the price chart is drawn');
  // Its own stroke: a thick swatch and a thick line in its own colour.
  const swatch = page.locator('#chart-hashrate .legend-item', { hasText: 'Hash rate, observed' }).locator('.swatch');
  assert.equal(await swatch.evaluate((el) => getComputedStyle(el).borderTopWidth), '6px');
  assert.equal(await page.locator('#chart-hashrate svg polyline[stroke="#007979"][stroke-width="4"]').count() >= 2, true, 'hash rate and difficulty observed');
  // The pointer readout names it too.
  const plot = page.locator('#chart-hashrate .plot');
  await plot.scrollIntoViewIfNeeded();
  const box = await plot.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForSelector('#chart-hashrate .readout');
  assert.match(await page.locator('#chart-hashrate .readout').innerText(), /Hash rate, observed \(7-day mean\): .* EH\/s/);
  await page.mouse.move(0, 0);
  await page.locator('#chart-hashrate').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(SHOTS, 'history-2022.png') });
  await page.screenshot({ path: path.join(SHOTS, 'history-2022-full.png'), fullPage: true });
  await page.locator('#chart-price').screenshot({ path: path.join(SHOTS, 'history-2022-price.png') });
  await page.locator('#chart-hashprice').screenshot({ path: path.join(SHOTS, 'history-2022-hashprice.png') });
  const before = await figures(page);

  // The share link, in a fresh browser context: the same observed series and identical charts.
  const shared = await page.inputValue('#share-link');
  assert.match(shared, /preset=history-2022/, shared);
  const fresh = await open(shared);
  assert.deepEqual(await observed(fresh.page), legends);
  const again = await figures(fresh.page);
  assert.deepEqual(again.headlines, before.headlines);
  for (const id of h.chartIds) assert.equal(again.charts[id], before.charts[id], `chart ${id} is identical from the link`);
  assert.deepEqual(fresh.errors, []);
  await fresh.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a preset card sets every control', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  const defaults = await controlValues(page);
  const card = page.locator('button.preset').nth(1);
  const id = await card.getAttribute('data-preset');
  await card.click();
  await page.waitForFunction(() => window.location.search.length > 1);
  await page.waitForSelector(`button.preset[data-preset="${id}"][aria-pressed="true"]`);
  const set = await controlValues(page);
  assert.notDeepEqual(set, defaults, `preset ${id} changed some control`);
  // The controls equal those the server renders for the preset's own link.
  const html = await (await fetch(page.url())).text();
  for (const [name, value] of Object.entries(set)) {
    const served = html.match(new RegExp(`data-value="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*data-value="${name}"`));
    assert.ok(served, `control ${name} is in the served page`);
    assert.equal((served[1] ?? served[2]).replaceAll('&amp;', '&'), value, `control ${name}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a broken link names what it ignored and shows the rest', async () => {
  const { context, page } = await open(`${h.base}/?operators=lots&colour=red&start_price_usd=50000`);
  const warning = page.locator('.link-warnings');
  await warning.waitFor();
  const text = await warning.innerText();
  assert.match(text, /operators/);
  assert.match(text, /colour/);
  assert.equal(await page.inputValue('input[data-value="start_price_usd"]'), '50000');
  assert.equal(await page.locator('.chart svg').count(), h.chartIds.length);
  await page.screenshot({ path: path.join(SHOTS, 'broken-link.png') });
  // A bad value typed into a control is refused beside it; the run stays.
  await page.fill('input[data-value="operators"]', 'many');
  await page.press('input[data-value="operators"]', 'Enter');
  await page.locator('.control:has(input[data-value="operators"]) .field-error').waitFor();
  assert.match(page.url(), /start_price_usd=50000/);
  await context.close();
  // And without a browser: the server answers 200 with the message.
  const response = await fetch(`${h.base}/?years=-1&%3Cscript%3E=1`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /link-warnings/);
});

test('the page works on a phone screen', async () => {
  const { context, page, errors } = await open(`${h.base}/`, PHONE);
  // After hydration a phone asks for charts drawn for its width.
  await page.waitForSelector('#chart-hashrate svg[viewBox="0 0 440 290"]');
  await page.screenshot({ path: path.join(SHOTS, 'phone-390x844.png') });
  await page.screenshot({ path: path.join(SHOTS, 'phone-390x844-full.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
  // With every collapsible panel open, still no sideways scrolling.
  const opened = await page.evaluate(() => {
    const panels = [...document.querySelectorAll('details')];
    for (const panel of panels) panel.open = true;
    return panels.length;
  });
  const overflowOpen = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflowOpen <= 0, `no sideways scrolling with ${opened} panels open (overflow ${overflowOpen}px)`);
  await page.screenshot({ path: path.join(SHOTS, 'phone-390x844-panels-open.png'), fullPage: true });
  await page.locator('input.slider[data-field="price_shock_pct"]').fill('-40');
  await page.waitForURL(/price_shock_pct=-40/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the controls work from the keyboard, with their help shown on focus', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  const slider = page.locator('input.slider[data-field="price_shock_pct"]');
  await slider.focus();
  const help = page.locator('#help-price_shock_pct');
  assert.ok(await help.isVisible(), 'help is shown while the control has focus');
  assert.match(await help.innerText(), /Range: -95 to 1,000 %/);
  await page.keyboard.press('ArrowLeft');
  // One press is one step of the slider: 5 points over its -95 to 1,000% window (250 presses at most end to end).
  await page.waitForURL(/price_shock_pct=-5(&|$)/);
  assert.equal(await page.inputValue('input[data-value="price_shock_pct"]'), '-5');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.dataset.value ?? document.activeElement?.dataset.field);
  assert.ok(focused, 'Tab moves on to the next control');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a refused value stays to be corrected, thousands separators are read, and each chart has a text alternative', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  // The first Tab reaches the skip link, which jumps over the controls to the run.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
  assert.ok(await page.isVisible('.skip-link'), 'it shows when focused');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#run');
  // Focus moved with it: the run's play bar holds it, and the next Tabs go on inside it
  // (Play within three), not back to the top.
  await page.waitForFunction(() => document.activeElement?.id === 'run');
  let tabs = 0;
  while (tabs < 10 && (await page.evaluate(() => document.activeElement?.dataset.play)) !== 'toggle') {
    await page.keyboard.press('Tab');
    tabs += 1;
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('#run')), 'each Tab stays inside the play bar');
  }
  assert.ok(tabs <= 3, `Play is ${tabs} Tabs after the skip link`);
  console.log(`keyboard: Play is ${tabs + 1} Tabs and an Enter from the top of the page`);
  // The controls' source links are not Tab stops of their own.
  assert.equal(await page.locator('.help .source a[tabindex="-1"]').count(), await page.locator('.help .source a').count());

  const box = 'input[data-value="start_price_usd"]';
  await page.fill(box, '12x');
  await page.press(box, 'Enter');
  await page.waitForSelector('.field-error');
  assert.equal(await page.inputValue(box), '12x', 'the refused text stays in the box');
  await page.evaluate(() => document.body.removeAttribute('data-redraw-ms'));
  await page.fill(box, '95,000');
  await page.press(box, 'Enter');
  await page.waitForURL(/start_price_usd=95000(&|$)/);
  await page.waitForSelector('body[data-redraw-ms]', { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('.field-error').length === 0);
  assert.equal(await page.inputValue(box), '95000');

  // A run over the server's budget: the message stays, and so do the last charts drawn, under it.
  await page.fill('input[data-value="operators"]', '200000');
  await page.press('input[data-value="operators"]', 'Enter');
  await page.waitForSelector('.run-error');
  assert.match(await page.innerText('.run-error'), /operators/);
  await page.waitForFunction((n) => document.querySelectorAll('.stale section.chart').length === n, h.chartIds.length);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.run-error')).position), 'sticky');
  await page.fill('input[data-value="operators"]', '2000');
  await page.press('input[data-value="operators"]', 'Enter');
  await page.waitForFunction(() => !document.querySelector('.run-error') && !document.querySelector('.stale'));

  for (const id of h.chartIds) {
    const chart = page.locator(`#chart-${id}`);
    const described = await chart.locator('.plot').getAttribute('aria-describedby');
    const summary = await page.locator(`#${described}`).textContent();
    assert.match(summary ?? '', / to .* on \d{4}-\d{2}-\d{2}; lowest /, `${id}: ${summary}`);
    const rows = await chart.locator('details.chart-table tbody tr').count();
    assert.ok(rows >= 10 && rows <= 25, `${id}: ${rows} rows`);
  }
  await page.locator('#chart-hashrate details.chart-table summary').click();
  await page.locator('#chart-hashrate').screenshot({ path: path.join(SHOTS, 'chart-table.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('without JavaScript the page shows the run and the form still runs scenarios', async () => {
  const context = await h.browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${h.base}/?v=1&seed=7`);
  assert.equal(await page.locator('.chart svg').count(), h.chartIds.length);
  await page.fill('input[data-value="start_price_usd"]', '70000');
  await page.click('button.no-js-run');
  await page.waitForURL(/start_price_usd=70000/);
  assert.equal(await page.inputValue('input[data-value="start_price_usd"]'), '70000');
  assert.equal(await page.inputValue('input[data-value="seed"]'), '7');
  assert.equal(await page.locator('.link-warnings').count(), 0, 'a submitted form is a valid link');
  await page.screenshot({ path: path.join(SHOTS, 'no-javascript.png') });
  await context.close();
});

const SMALL = 'operators=200&years=1';

test('download links: CSV, JSON and every chart as SVG and PNG, before hydration too', async () => {
  // Without JavaScript: the links are in the server's HTML.
  const context = await h.browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${h.base}/?${SMALL}`);
  const hrefs = await page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('a.download')].map((a) => [a.dataset.download, a.getAttribute('href')]),
  ));
  for (const id of h.chartIds) {
    assert.match(hrefs[`${id}.svg`] ?? '', new RegExp(`^/api/chart/${id}\\.svg\\?.*operators=200`));
    assert.match(hrefs[`${id}.png`] ?? '', new RegExp(`^/api/chart/${id}\\.png\\?.*operators=200`));
  }
  assert.match(hrefs.json ?? '', /^\/api\/export\.json\?.*operators=200/);
  const csv = await page.request.get(`${h.base}${hrefs.csv}`);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /^text\/csv/);
  assert.match((await csv.text()).split('\n')[0], /hashrate_ehs/);
  const svg = await page.request.get(`${h.base}${hrefs['hashrate.svg']}`);
  assert.equal(svg.status(), 200);
  assert.equal(svg.headers()['content-type'], 'image/svg+xml');
  assert.match(await svg.text(), /^<svg/);
  await context.close();

  // After hydration the links follow the share link, and are reachable by Tab.
  const live = await open(`${h.base}/?${SMALL}`);
  await live.page.fill('input[data-value="years"]', '2');
  await live.page.press('input[data-value="years"]', 'Enter');
  await live.page.waitForURL(/years=2(&|$)/);
  await live.page.waitForFunction(() => /years=2(&|$)/.test(document.querySelector('a[data-download="csv"]')?.getAttribute('href') ?? ''));
  await live.page.focus('a[data-download="hashrate.svg"]');
  await live.page.keyboard.press('Tab');
  assert.equal(await live.page.evaluate(() => document.activeElement?.dataset.download), 'hashrate.png');
  assert.deepEqual(live.errors, []);
  await live.context.close();
});

test('a chart embeds in a course page of another origin; the lab itself does not', async () => {
  const { context, page, errors } = await open(`${h.base}/?${SMALL}`);
  await page.click('.embed-snippet summary');
  await page.selectOption('#embed-chart', 'nakamoto');
  await page.waitForFunction(() => document.querySelector('#embed-code')?.value.includes('/embed/chart/nakamoto'));
  const code = await page.inputValue('#embed-code');
  assert.ok(code.startsWith(`<iframe src="${h.base}/embed/chart/nakamoto?v=14&amp;seed=42&amp;operators=200&amp;years=1"`), code);
  await page.click('.copy-embed');
  // A course page on another origin (its own port), framing the chart and, for contrast, the lab.
  const course = createHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!DOCTYPE html><title>Course</title><h1>Week 3: the security budget</h1>${code}<iframe id="lab" src="${h.base}/" width="400" height="200"></iframe>`);
  });
  await new Promise((resolve) => course.listen(0, '127.0.0.1', resolve));
  const other = await context.newPage();
  await other.goto(`http://127.0.0.1:${course.address().port}/`);
  const frame = await (await other.waitForSelector('iframe[src*="/embed/chart/nakamoto"]')).contentFrame();
  await frame.waitForSelector('figure.embed-chart svg', { timeout: 30_000 });
  assert.match(await frame.getAttribute('figcaption a', 'href'), new RegExp(`^${h.base}/\\?v=14&seed=42&operators=200&years=1$`));
  assert.ok((await frame.locator('text.legend-label').count()) >= 1, 'the embedded figure has its legend');
  await other.waitForLoadState('load');
  const lab = await (await other.waitForSelector('iframe#lab')).contentFrame();
  assert.equal(await lab.locator('.lab').count(), 0, 'the lab page refuses to be framed');
  await other.screenshot({ path: path.join(SHOTS, 'embed-in-course-page.png') });
  course.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('every figure downloads as a report-ready SVG and a print PNG (scale=2)', async () => {
  const context = await h.browser.newContext({ ...DESKTOP, acceptDownloads: true });
  for (const id of h.chartIds) {
    // A tab of its own per chart: Chromium holds back a tab's tenth download in a row.
    const page = await context.newPage();
    await page.goto(`${h.base}/?${SMALL}`);
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
    for (const format of ['svg', 'png']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`a[data-download="${id}.${format}"]`),
      ]);
      assert.match(download.suggestedFilename(), new RegExp(`^hashlab-(.*-)?seed-42-model-\\d+-${id}\\.${format}$`));
      const file = path.join(SHOTS, `export-${id}.${format}`);
      await download.saveAs(file);
      const bytes = readFileSync(file);
      if (format === 'svg') {
        const svg = bytes.toString('utf8');
        const labels = [...svg.matchAll(/<text class="legend-label"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
        assert.ok(labels.length >= 1, `${id}: legend entries`);
        assert.equal(svg.match(/class="legend-swatch"/g)?.length, labels.length, `${id}: a swatch per entry`);
        assert.ok(svg.includes(`Share link: ${h.base}/?`), `${id}: an absolute link a printed page can give`);
      } else {
        assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
        assert.equal(bytes.readUInt32BE(16), 1520, `${id}: twice the 760 px width, for print`);
      }
    }
    await page.close();
  }
  await context.close();
});

test('Monte Carlo: 10 seeds stream progress to the end, then every chart shades their spread', async () => {
  const { context, page, errors } = await open(`${h.base}/?${SMALL}`);
  const charts = await page.locator('section.chart').count();
  assert.ok(charts >= 8, `${charts} charts`);
  await page.fill('#mc-runs', '10');
  await page.press('#mc-runs', 'Tab');
  assert.equal(await page.innerText('.mc-start'), 'Run 10 seeds');
  await page.click('.mc-start');
  await page.waitForSelector('body[data-mc="done"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-mc-progress'), '10/10');
  assert.match(await page.innerText('.mc-done'), /^10 runs in [\d.]+ s/);
  // The bands download as CSV, with the link that reproduces them.
  const [bandsFile] = await Promise.all([page.waitForEvent('download'), page.click('a[data-download="bands-csv"]')]);
  assert.match(bandsFile.suggestedFilename(), /^hashlab-.*-seed-\d+-model-\d+-bands-10-seeds\.csv$/);
  const bandsCsv = readFileSync(await bandsFile.path(), 'utf8').split('\n');
  assert.ok(bandsCsv[0].startsWith('# Hashlab Monte Carlo bands over 10 seeds'), bandsCsv[0]);
  const bandsHeader = bandsCsv.find((line) => !line.startsWith('#'));
  assert.ok(bandsHeader.startsWith('day,date,') && bandsHeader.includes(',hashrate_ehs_p50,'), bandsHeader);
  // Every chart is drawn again with the bands of those seeds.
  await page.waitForFunction((n) => document.querySelectorAll('section.chart[data-bands="10"]').length === n, charts, { timeout: 30_000 });
  for (const id of await page.evaluate(() => [...document.querySelectorAll('section.chart')].map((c) => c.dataset.chart))) {
    const chart = page.locator(`section.chart[data-chart="${id}"]`);
    const legend = await chart.locator('.legend').innerText();
    if (id === 'pool-shares') {
      // Over stacked shares the spread's edges are dotted lines.
      assert.ok(legend.includes('Largest pool: 5% and 95% of 10 seeds (dotted)'), legend);
      continue;
    }
    assert.ok(legend.includes('shaded: 5-95% and 25-75% of 10 seeds'), `${id}: ${legend}`);
    const translucent = await chart.locator('svg polygon[fill-opacity="0.13"], svg polygon[opacity="0.13"]').count();
    assert.ok(translucent >= 1, `${id}: ${translucent} shaded areas`);
  }
  assert.match(await page.innerText('.bands-note'), /90% \(light\) and 50% \(darker\) of 10 seeds/);
  // The chart downloads carry the bands (the server kept the Monte Carlo).
  const href = await page.getAttribute('a[data-download="hashrate.svg"]', 'href');
  assert.match(href ?? '', /runs=10/);
  const svg = await (await page.request.get(`${h.base}${href}`)).text();
  assert.ok(svg.includes('shaded: 5-95% and 25-75% of 10 seeds'), 'the downloaded chart is shaded too');
  await page.locator('#chart-hashrate').screenshot({ path: path.join(SHOTS, 'montecarlo-bands.png') });
  // A new scenario: the bands no longer describe it, so the charts come without them.
  await page.fill('input[data-value="years"]', '2');
  await page.press('input[data-value="years"]', 'Enter');
  await page.waitForURL(/years=2(&|$)/);
  await page.waitForFunction(() => document.querySelectorAll('section.chart').length > 0 && document.querySelectorAll('section.chart[data-bands]').length === 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Monte Carlo: 100 seeds of the default scenario (timing)', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  const started = Date.now();
  await page.click('.mc-start');
  await page.waitForSelector('body[data-mc="done"]', { timeout: 120_000 });
  assert.equal(await page.getAttribute('body', 'data-mc-progress'), '100/100');
  h.timings['Monte Carlo, 100 seeds of the default scenario, click to last progress event (ms)'] = await page.getAttribute('body', 'data-mc-ms');
  await page.waitForFunction(() => document.querySelectorAll('section.chart[data-bands="100"]').length >= 8, null, { timeout: 30_000 });
  h.timings['Monte Carlo, 100 seeds of the default scenario, click to every chart shaded (ms)'] = String(Date.now() - started);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Monte Carlo: cancel stops the progress and says so', async () => {
  const { context, page, errors } = await open(`${h.base}/?operators=5000&years=10`);
  await page.fill('#mc-runs', '200');
  await page.press('#mc-runs', 'Tab');
  await page.click('.mc-start');
  await page.waitForSelector('body[data-mc-progress]', { timeout: 60_000 });
  assert.ok(await page.isVisible('.mc-cancel'));
  await page.click('.mc-cancel');
  await page.waitForSelector('.mc-cancelled');
  assert.match(await page.innerText('.mc-cancelled'), /^Cancelled after \d+ of 200 runs/);
  const stopped = await page.getAttribute('body', 'data-mc-progress');
  assert.notEqual(stopped, '200/200');
  await page.waitForTimeout(1_500);
  assert.equal(await page.getAttribute('body', 'data-mc-progress'), stopped, 'no progress after cancel');
  assert.equal(await page.getAttribute('body', 'data-mc'), 'cancelled');
  assert.equal(await page.locator('section.chart[data-bands]').count(), 0);
  assert.ok(await page.isEnabled('.mc-start'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('each control\'s help names the source of its default', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  const helps = await page.evaluate(() => [...document.querySelectorAll('.control .help .source')].map((s) => s.textContent));
  assert.ok(helps.length > 20, `${helps.length} controls with a source`);
  for (const text of helps) assert.match(text, /Default: \S.*\. Sources$/);
  assert.equal(helps.length, await page.locator('.control').count(), 'every control has one');
  // Each links to its row of the sources page, which opens on that row.
  const href = await page.getAttribute('.control .source a[href="/sources#start_price_usd"]', 'href');
  const sources = await page.request.get(`${h.base}${href}`);
  assert.equal(sources.status(), 200);
  assert.match(await sources.text(), /<tr id="start_price_usd">/);
  const sourcesPage = await context.newPage();
  await sourcesPage.goto(`${h.base}/sources#start_price_usd`);
  await sourcesPage.screenshot({ path: path.join(SHOTS, 'sources.png') });
  await sourcesPage.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('sensitivity: a tornado per output from low and high runs of each key assumption', async () => {
  const { context, page, errors } = await open(`${h.base}/?${SMALL}`);
  const started = Date.now();
  await page.click('.tornado-start');
  await page.waitForSelector('figure.tornado', { timeout: 120_000 });
  h.timings['Sensitivity (35 settings x 50 seeds, 200 operators, 1 year), click to tornado (ms)'] = Date.now() - started;
  assert.equal(await page.locator('figure.tornado').count(), 3);
  const bars = await page.locator('figure.tornado[data-output="hashrate_ehs"] rect').count();
  assert.ok(bars >= 20, `${bars} bars`);
  // Readable at the page's width: each lever by its title and values, its label at least 13 px tall on screen.
  const label = await page.evaluate(() => {
    const text = [...document.querySelectorAll('figure.tornado[data-output="hashrate_ehs"] svg text')].find((t) => t.textContent.includes('Start price:'));
    return text ? { text: text.textContent.trim(), px: text.getBoundingClientRect().height } : null;
  });
  assert.ok(label && label.px >= 13, `the tornado's label on the page: ${JSON.stringify(label)}`);
  console.log(`tornado label on the page: ${JSON.stringify(label)}`);
  const [tornado] = await Promise.all([page.waitForEvent('download'), page.click('figure.tornado[data-output="hashrate_ehs"] a.tornado-svg')]);
  assert.equal(tornado.suggestedFilename(), 'hashlab-sensitivity-hashrate_ehs.svg');
  assert.match(readFileSync(await tornado.path(), 'utf8'), /^<svg/);
  await page.locator('#sensitivity').screenshot({ path: path.join(SHOTS, 'sensitivity-tornado.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

/** A tiny scenario for sweeps: each run takes a few milliseconds. */
const SWEEP_SMALL = 'operators=100&years=0.3';

/** The sweep's CSV, from its download link's data URL. */
async function sweepCsv(page) {
  const href = await page.getAttribute('.sweep-csv', 'href');
  assert.match(href, /^data:text\/csv;charset=utf-8,/);
  return decodeURIComponent(href.slice(href.indexOf(',') + 1));
}

test('sweep: one parameter streams progress, then the median with its bands and a CSV', async () => {
  const { context, page, errors } = await open(`${h.base}/?${SWEEP_SMALL}`);
  assert.equal(await page.inputValue('#sweep-field-1'), 'price_shock_pct');
  assert.equal(await page.inputValue('#sweep-from-1'), '-60');
  assert.equal(await page.inputValue('#sweep-to-1'), '0');
  assert.equal(await page.inputValue('#sweep-metric'), 'hashrate_ehs');
  await page.fill('#sweep-steps-1', '4');
  await page.fill('#sweep-runs', '2');
  assert.equal(await page.innerText('.sweep-start'), 'Run the sweep (4 cells x 2 runs)');
  await page.click('.sweep-start');
  await page.waitForSelector('body[data-sweep="done"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-sweep-progress'), '8/8');
  const chart = page.locator('.sweep-chart svg[data-sweep="line"]');
  assert.equal(await chart.count(), 1);
  assert.equal(await chart.locator('polygon').count(), 2, 'the 5-95 and 25-75 bands');
  assert.equal(await chart.locator('polyline[stroke="#08306B"]').count(), 1, 'the median');
  assert.match(await chart.getAttribute('aria-label'), /^Hash rate by Price shock\. Median of 2 runs per cell/);
  const labels = await chart.locator('text').allTextContents();
  for (const label of ['Price shock (%)', 'Hash rate (EH/s)', '-60', '0']) {
    assert.ok(labels.some((t) => t.trim() === label), `${label} in ${labels}`);
  }
  assert.match(await page.innerText('.sweep-done'), /^4 cells x 2 runs in [\d.]+ m?s\. Download the cells \(CSV, CSV with its link, model version and seed as # lines\) or the chart \(SVG\)\.$/);
  const csv = (await sweepCsv(page)).trim().split('\n');
  assert.equal(csv[0], 'price_shock_pct,p5,p25,p50,p75,p95,mean');
  assert.deepEqual(csv.slice(1).map((row) => row.split(',')[0]), ['-60', '-40', '-20', '0']);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.sweep-csv')]);
  assert.equal(download.suggestedFilename(), 'hashlab-sweep-hashrate_ehs-by-price_shock_pct.csv');
  assert.equal(readFileSync(await download.path(), 'utf8').trim().split('\n').length, 5);
  const [chartFile] = await Promise.all([page.waitForEvent('download'), page.click('.sweep-svg')]);
  assert.equal(chartFile.suggestedFilename(), 'hashlab-sweep-hashrate_ehs-by-price_shock_pct.svg');
  assert.match(readFileSync(await chartFile.path(), 'utf8'), /^<svg[\s\S]*Hash rate \(EH\/s\)/);
  // The same cells with where they came from, as `#` lines a reader's tools skip (pandas comment="#").
  const [stamped] = await Promise.all([page.waitForEvent('download'), page.click('.sweep-csv-provenance')]);
  assert.equal(stamped.suggestedFilename(), 'hashlab-sweep-hashrate_ehs-by-price_shock_pct-with-provenance.csv');
  const lines = readFileSync(await stamped.path(), 'utf8').trim().split('\n');
  assert.match(lines[0], /^# Hashlab sweep of hashrate_ehs over price_shock_pct, 2 seeds per cell, model version \d+, seed \d+, generated 20/);
  assert.match(lines[1], new RegExp(`^# Reproduce it: ${h.base}/\\?v=`));
  // And the sweep's own settings, which the scenario's link leaves out.
  assert.match(lines[3], /^# Sweep it again: hashlab sweep --link '.*' --param price_shock_pct=-?[\d.]+:-?[\d.]+:\d+ --metric hashrate_ehs --runs 2$/);
  assert.deepEqual(lines.slice(4), csv);
  await page.locator('#sweep').screenshot({ path: path.join(SHOTS, 'sweep-line.png') });

  // The same sweep over a window's mean: days typed, said in the chart, the file name and the command.
  assert.ok(await page.isHidden('#sweep-window'), 'no days box for the final day');
  await page.selectOption('#sweep-taken', 'days');
  await page.fill('#sweep-window', '10:end');
  await page.click('.sweep-start');
  await page.waitForSelector('body[data-sweep="done"]', { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('.sweep-chart svg')?.getAttribute('aria-label')?.includes('mean over days 10:end'));
  const [windowed] = await Promise.all([page.waitForEvent('download'), page.click('.sweep-csv-provenance')]);
  assert.equal(windowed.suggestedFilename(), 'hashlab-sweep-hashrate_ehs-mean-days-10-end-by-price_shock_pct-with-provenance.csv');
  const windowLines = readFileSync(await windowed.path(), 'utf8').trim().split('\n');
  assert.match(windowLines[0], /^# Hashlab sweep of hashrate_ehs \(mean over days 10:end\) over price_shock_pct/);
  assert.match(windowLines[3], / --metric hashrate_ehs --mean-over 10:end --runs 2$/);
  assert.notDeepEqual(windowLines.slice(5), csv.slice(1), 'a mean over days is not the final day');
  // Days past the run's end are refused by name.
  await page.fill('#sweep-window', '0:99999');
  await page.click('.sweep-start');
  await page.waitForSelector('.sweep-error', { timeout: 30_000 });
  assert.equal(await page.getAttribute('.sweep-error', 'data-field'), 'mean_over');
  assert.match(await page.innerText('.sweep-error'), /within 0:\d+/);
  // The browser reports the refused stream (a 400) itself; nothing else went wrong.
  assert.deepEqual(errors.filter((e) => !/status of 400|MIME type/.test(e)), []);
  await context.close();
});

test('sweep: two parameters draw a heatmap of the median', async () => {
  const { context, page, errors } = await open(`${h.base}/?${SWEEP_SMALL}`);
  assert.ok(await page.isDisabled('#sweep-from-2'), 'no second parameter yet');
  await page.selectOption('#sweep-field-2', 'fee_btc_per_block');
  assert.equal(await page.inputValue('#sweep-from-2'), '0.01', 'the field\'s suggested range');
  assert.equal(await page.inputValue('#sweep-to-2'), '0.1');
  await page.fill('#sweep-steps-1', '3');
  await page.fill('#sweep-steps-2', '3');
  await page.fill('#sweep-runs', '2');
  await page.selectOption('#sweep-metric', 'nakamoto_pools');
  await page.click('.sweep-start');
  await page.waitForSelector('body[data-sweep="done"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-sweep-progress'), '18/18');
  const chart = page.locator('.sweep-chart svg[data-sweep="heatmap"]');
  assert.equal(await chart.count(), 1);
  assert.equal(await chart.locator('polygon').count(), 0);
  assert.ok(await chart.locator('rect').count() >= 9 + 48, 'nine cells and the colour scale');
  const labels = (await chart.locator('text').allTextContents()).map((t) => t.trim());
  for (const label of ['Price shock (%)', 'Fees per block (BTC)', 'median, pools']) assert.ok(labels.includes(label), `${label} in ${labels}`);
  const csv = (await sweepCsv(page)).trim().split('\n');
  assert.equal(csv[0], 'price_shock_pct,fee_btc_per_block,p5,p25,p50,p75,p95,mean');
  assert.equal(csv.length, 10);
  await page.locator('#sweep').screenshot({ path: path.join(SHOTS, 'sweep-heatmap.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('sweep: a bad range shows the server\'s error naming the field', async () => {
  const { context, page, errors } = await open(`${h.base}/?${SWEEP_SMALL}`);
  await page.fill('#sweep-from-1', '-200');
  await page.fill('#sweep-steps-1', '3');
  await page.fill('#sweep-runs', '2');
  await page.click('.sweep-start');
  await page.waitForSelector('.sweep-error', { timeout: 30_000 });
  assert.equal(await page.getAttribute('.sweep-error', 'data-field'), 'price_shock_pct');
  assert.match(await page.innerText('.sweep-error'), /^The sweep did not run: price_shock_pct: -200 is out of range \(allowed: a number from -95 to 1000 %\)/);
  assert.equal(await page.getAttribute('body', 'data-sweep'), 'error');
  assert.ok(await page.isEnabled('.sweep-start'));
  assert.equal(await page.locator('.sweep-chart').count(), 0);
  // The browser reports the refused stream (a 400) itself; nothing else went wrong.
  assert.deepEqual(errors.filter((e) => !/status of 400|MIME type/.test(e)), []);
  await context.close();
});

test('sweep: the default sweep of the default scenario (timing)', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  assert.equal(await page.innerText('.sweep-start'), 'Run the sweep (7 cells x 10 runs)');
  await page.click('.sweep-start');
  await page.waitForSelector('body[data-sweep="done"]', { timeout: 120_000 });
  assert.equal(await page.getAttribute('body', 'data-sweep-progress'), '70/70');
  h.timings['Sweep, default (price shock -60..0 % in 7 steps x 10 runs, 2,000 operators, 4 years), click to chart (ms)'] =
    await page.getAttribute('body', 'data-sweep-ms');
  assert.deepEqual(errors, []);
  await context.close();
});
