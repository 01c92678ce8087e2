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
    'v=9&operators=300&years=0.5&seed=42',
    'v=9&preset=late-2025-squeeze&operators=300&years=0.5&seed=7',
    'v=9&preset=history-2024&operators=300&seed=3',
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
  const [wrong] = await runInWorker(page, ['v=9&operators=-5']);
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
    for (const id of [1, 2, 3]) worker.postMessage({ id, query: `v=9&operators=200&years=0.25&seed=${id}` });
    await done;
    worker.terminate();
    return seen;
  });
  assert.deepEqual(answers, [3]);
  await context.close();
});

test('the default scenario runs in the browser in tens of milliseconds', async () => {
  const { context, page } = await open(`${h.base}/`);
  const answers = await runInWorker(page, ['v=9', 'v=9&seed=2', 'v=9&seed=3', 'v=9&seed=4', 'v=9&seed=5']);
  const ms = answers.map((a) => {
    assert.equal(a.error, undefined, a.error);
    return a.ms;
  }).sort((a, b) => a - b);
  h.timings['default scenario (2,000 operators x 4 years) in the Web Worker, wasm: median of 5 seeds'] = `${ms[2].toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms[4].toFixed(1)})`;
  await context.close();
});
