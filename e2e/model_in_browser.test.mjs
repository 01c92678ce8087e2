// The model in the browser: the wasm module the page's Web Worker runs
// (worker/, served as /pkg/model-worker.js) gives the server's numbers to
// the byte, in a real headless Chromium. Timings are printed, not asserted.
//
//   cd e2e && npm test

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { h, open, startHarness, stopHarness } from './harness.mjs';

before(startHarness);
after(stopHarness);

/** Runs each query in a module worker inside `page`, in order; answers as the worker gives them. */
async function runInWorker(page, queries) {
  return page.evaluate(async (queries) => {
    const worker = new Worker('/pkg/model-worker.js', { type: 'module' });
    const answers = [];
    for (const [id, query] of queries.entries()) {
      answers.push(await new Promise((resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message || 'the worker failed'));
        worker.postMessage({ id, query });
      }));
    }
    worker.terminate();
    return answers;
  }, queries);
}

test('a run in the browser gives the same bytes as the server run of the same link', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  // A short run of every kind of start: the default late-2025 network, a preset with
  // events, a history replay driven by the observed prices.
  const queries = [
    'v=14&operators=300&years=0.5&seed=42',
    'v=14&preset=late-2025-squeeze&operators=300&years=0.5&seed=7',
    'v=14&preset=history-2024&operators=300&seed=3',
  ];
  const answers = await runInWorker(page, queries);
  for (const [index, query] of queries.entries()) {
    const answer = answers[index];
    assert.equal(answer.error, undefined, `${query}: ${answer.error}`);
    const response = await fetch(`${h.base}/api/export.csv?${query}`);
    assert.equal(response.status, 200, query);
    const server = await response.text();
    assert.ok(server.split('\n').length > 30, `${query}: the server's run has its days`);
    assert.equal(answer.csv, server, `${query}: the browser's run differs from the server's`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the worker names a wrong field, and a newer request supersedes the one waiting', async () => {
  const { context, page } = await open(`${h.base}/`);
  const [wrong] = await runInWorker(page, ['v=14&operators=-5']);
  assert.match(wrong.error, /operators/);
  // Three requests posted at once while the model loads: only the newest is run.
  const answers = await page.evaluate(async () => {
    const worker = new Worker('/pkg/model-worker.js', { type: 'module' });
    const seen = [];
    const done = new Promise((resolve) => {
      worker.onmessage = (event) => {
        seen.push(event.data.id);
        if (event.data.id === 3) resolve();
      };
    });
    for (const id of [1, 2, 3]) worker.postMessage({ id, query: `v=14&operators=200&years=0.25&seed=${id}` });
    await done;
    worker.terminate();
    return seen;
  });
  assert.deepEqual(answers, [3]);
  await context.close();
});

test('the default scenario runs in the browser in tens of milliseconds', async () => {
  const { context, page } = await open(`${h.base}/`);
  const answers = await runInWorker(page, ['v=14', 'v=14&seed=2', 'v=14&seed=3', 'v=14&seed=4', 'v=14&seed=5']);
  const ms = answers.map((a) => {
    assert.equal(a.error, undefined, a.error);
    return a.ms;
  }).sort((a, b) => a - b);
  h.timings['default scenario (2,000 operators x 4 years) in the Web Worker, wasm: median of 5 seeds'] = `${ms[2].toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms[4].toFixed(1)})`;
  await context.close();
});

/** What the first load of the page may transfer, bytes (issue 22: at or under the 626-655 KB
 * it took before the model came to the browser). Sizes, not timings: asserted. */
const FIRST_LOAD_BUDGET_BYTES = 655_000;

test('the first load stays within its budget, and the model loads after it, once the page has rested', async () => {
  const context = await h.browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const sizes = new Map();
  const urls = new Map();
  cdp.on('Network.responseReceived', (e) => {
    if (e.response.url.startsWith('http')) urls.set(e.requestId, new URL(e.response.url).pathname);
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (urls.has(e.requestId)) sizes.set(e.requestId, e.encodedDataLength);
  });
  // The worker's own requests (the model) are not the page's in CDP; Playwright reports them.
  const finished = [];
  page.on('requestfinished', (request) => finished.push(new URL(request.url()).pathname));
  await page.goto(`${h.base}/`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.waitForTimeout(500);
  const early = [...finished];
  const loaded = [...sizes].map(([id, bytes]) => [urls.get(id), bytes]);
  const total = loaded.reduce((sum, [, bytes]) => sum + bytes, 0);
  const parts = loaded.map(([path, bytes]) => `${path} ${(bytes / 1000).toFixed(0)} KB`).join(', ');
  h.timings['first load of / (encoded bytes, Chromium)'] = `${(total / 1000).toFixed(0)} KB: ${parts}`;
  assert.ok(total <= FIRST_LOAD_BUDGET_BYTES, `the first load transferred ${total} B (budget ${FIRST_LOAD_BUDGET_BYTES}): ${parts}`);
  assert.ok(!early.some((path) => path.includes('model')), `the model is not part of the first load: ${early}`);
  // A second after the first paint, in an idle moment, the model loads and runs the page's
  // scenario once (the browser optimises its code as it runs), with no hand on a slider.
  await page.waitForSelector('body[data-model-warm]', { timeout: 30_000 });
  const warm = await page.evaluate(() => document.body.dataset.modelWarm);
  assert.match(warm, /^\d+$/, `the model's warm-up ran: ${warm}`);
  assert.ok(finished.includes('/pkg/model.wasm'), `the model loaded after the first paint: ${finished}`);
  h.timings['model warm-up, loaded after the first paint: its first run in the worker'] = `${warm} ms`;
  // The bundle is sent as the build compressed it (brotli, quality 11), not again on each request.
  const wasm = await fetch(`${h.base}/pkg/app_bg.wasm`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(wasm.headers.get('content-encoding'), 'br');
  await context.close();
});

test('the story embed and the projector view, which show no slider, never load the model', async () => {
  for (const path of ['/embed/story?preset=late-2025-squeeze', '/?view=projector']) {
    const { context, page, errors } = await open(`${h.base}${path}`);
    const models = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.includes('model')) models.push(request.url());
    });
    // Past the second's rest and the idle moment the warm-up waits for on a page with sliders.
    await page.waitForTimeout(2_500);
    assert.deepEqual(models, [], `${path}: no model`);
    assert.equal(await page.evaluate(() => document.body.dataset.modelWarm), undefined, path);
    assert.deepEqual(errors, [], path);
    await context.close();
  }
});

test('dragging a slider redraws the charts and the headline figures as it moves, drawn in the browser, and the release gives the same', async () => {
  const { context, page, errors } = await open(`${h.base}/`);
  const api = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api')) api.push(request.url());
  });
  const slider = page.locator('input.slider[data-field="start_price_usd"]');
  // The slider at the top of the window and the first charts under it, as a reader
  // scrolls to watch them while dragging (charts off screen are drawn when the hand rests).
  await slider.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  const box = await slider.boundingBox();
  const visible = await page.evaluate(() => [...document.querySelectorAll('.chart .svg')]
    .filter((svg) => svg.getBoundingClientRect().top < innerHeight).map((svg) => svg.closest('.chart').dataset.chart));
  assert.ok(visible.includes('hashrate'), `the hash rate chart is on screen: ${visible}`);
  // A reader drags after a moment on the page: by then the model has loaded and warmed up.
  await page.waitForSelector('body[data-model-warm]', { timeout: 30_000 });
  const headlineTexts = () => page.evaluate(() => [...document.querySelectorAll('.headline')].map((h) => h.innerText));
  const headlinesBefore = await headlineTexts();
  // Every redraw of the hash rate chart, timed; and of the charts off screen (each drag
  // answer brings only the charts on screen: the others are drawn once the hand rests).
  await page.evaluate(() => {
    window.hashrateRedraws = [];
    const target = document.querySelector('#chart-hashrate .svg');
    new MutationObserver(() => window.hashrateRedraws.push(performance.now())).observe(target, { childList: true });
    window.offScreenRedraws = {};
    for (const svg of document.querySelectorAll('.chart .svg')) {
      if (svg.getBoundingClientRect().top < innerHeight) continue;
      const id = svg.closest('.chart').dataset.chart;
      window.offScreenRedraws[id] = 0;
      new MutationObserver(() => { window.offScreenRedraws[id] += 1; }).observe(svg, { childList: true });
    }
  });
  const y = box.y + box.height / 2;
  const at = (share) => box.x + box.width * share;
  await page.mouse.move(at(0.3), y);
  await page.mouse.down();
  // Two seconds of dragging from 30% to 80% of the slider (100 of its 200 steps), a move
  // every 16 ms as a mouse reports them at 60 Hz: each move is sent on time, not after the
  // last one is handled, so the page is asked for a new run faster than the model can run.
  const moves = 125;
  const started = Date.now();
  const sent = [];
  for (let i = 1; i <= moves; i += 1) {
    sent.push(page.mouse.move(at(0.3 + (0.5 * i) / moves), y));
    const wait = started + i * 16 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(sent);
  // Holding still: the last value's charts land.
  await page.waitForFunction(() => {
    const last = window.hashrateRedraws.at(-1);
    return last !== undefined && performance.now() - last > 400;
  }, null, { timeout: 10_000 });
  const redraws = await page.evaluate(() => window.hashrateRedraws);
  // The charts off screen were drawn when the hand rested (150 ms without an answer),
  // not with every answer.
  const offScreen = Object.entries(await page.evaluate(() => window.offScreenRedraws));
  assert.ok(offScreen.length >= 3, `charts off screen: ${JSON.stringify(offScreen)}`);
  for (const [id, count] of offScreen) {
    assert.ok(count >= 1 && count < redraws.length, `chart ${id}, off screen, drawn ${count} times to the hash rate chart's ${redraws.length}`);
  }
  const during = [...api];
  const preview = await page.evaluate(() => ({
    query: document.body.dataset.followedQuery,
    charts: Object.fromEntries([...document.querySelectorAll('.chart')].map((c) => [c.dataset.chart, c.querySelector('.svg').innerHTML])),
    headlines: [...document.querySelectorAll('.headline')].map((h) => h.innerText),
  }));
  // The headline figures followed the hand too (the hash rate's end value moves with the price).
  assert.notDeepEqual(preview.headlines, headlinesBefore, 'the headline figures followed the drag');
  assert.deepEqual(during, [], 'no request to the server while dragging');
  const gaps = redraws.slice(1).map((t, i) => t - redraws[i]).sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)] ?? Infinity;
  h.timings['drag of 2 s on the price slider: hash rate chart redraws, median gap between redraws'] = `${redraws.length} redraws, ${median.toFixed(1)} ms (two workers, the model warmed up after the first paint; fastest ${gaps[0]?.toFixed(1)} ms)`;
  // That it follows is asserted; how often (issue 22 asks for 20 redraws, 50 ms apart) is the
  // timing printed above: a shared 2-core machine gave 7 redraws 242 ms apart in one CI run
  // and 25-38 redraws 43-59 ms apart in others.
  assert.ok(redraws.length >= 3, `the hash rate chart followed the drag ${redraws.length} times`);

  // The release runs the value on the server (its link); its charts are those the browser drew.
  await page.evaluate(() => document.body.removeAttribute('data-redraw-ms'));
  await page.mouse.up();
  await page.waitForSelector('body[data-redraw-ms]', { timeout: 30_000 });
  const query = new URL(page.url()).search.slice(1);
  assert.ok(preview.query && query.includes('start_price_usd='), `the link carries the new price: ${query}`);
  // The server's page for that link, read the same way (the browser's serialization of each SVG).
  const served = await open(`${h.base}/?${query}`);
  const server = await served.page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('.chart')].map((c) => [c.dataset.chart, c.querySelector('.svg').innerHTML]),
  ));
  const serverHeadlines = await served.page.evaluate(() => [...document.querySelectorAll('.headline')].map((h) => h.innerText));
  await served.context.close();
  assert.deepEqual(preview.headlines, serverHeadlines, `the headline figures written while dragging are the server's for ${query}`);
  // After the release the page shows the server's view of the link: the same figures.
  assert.deepEqual(await headlineTexts(), serverHeadlines, 'the released page shows the same headline figures');
  for (const id of h.chartIds) {
    const svg = preview.charts[id];
    assert.ok(svg && svg.startsWith('<svg'), `chart ${id} was drawn while dragging`);
    assert.equal(svg, server[id], `chart ${id}: the browser's drawing is the server's for ${query}`);
  }
  assert.equal(
    new URLSearchParams(preview.query).get('start_price_usd'),
    new URLSearchParams(query).get('start_price_usd'),
    'the last drawing is of the released value',
  );
  assert.deepEqual(errors, []);
  await context.close();
});
