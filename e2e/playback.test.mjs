// Class mode in a real headless Chromium: a run played as a story, beat by
// beat, with the cursor on every chart; the projector view; the play position
// in the link; frames per second while playing. Screenshots go to
// target/screenshots/ (playback-*.png).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { h, open, startHarness, stopHarness, SHOTS } from './harness.mjs';

before(startHarness);
after(stopHarness);

const HD = { viewport: { width: 1920, height: 1080 } };

/** The playback cursor on every chart: its row per chart, and the headline texts. */
async function cursorState(page) {
  return page.evaluate(() => ({
    rows: [...document.querySelectorAll('.chart')].map((c) => c.querySelector('.play-cursor')?.dataset.row ?? null),
    headlines: [...document.querySelectorAll('.headline')].map((h) => h.querySelector('.headline-value').innerText).join(' | '),
    date: document.querySelector('[data-play="date"]').innerText,
    headlinesDate: document.querySelector('.headlines-date time')?.innerText ?? null,
    readoutDates: [...document.querySelectorAll('.chart .play-readout')].map((r) => r.innerText.split('\n')[0]),
    figure: Object.fromEntries([...document.querySelectorAll('.headline')].map((h) => [h.dataset.headline, h.querySelector('.headline-value').innerText.replace(/\s+/g, ' ').trim()])),
  }));
}

/** Saves `file` at half its size too (`-50.png`), as a projector seen from the back of a room. */
async function halfSize(context, file, width, height) {
  const { readFileSync } = await import('node:fs');
  const data = readFileSync(file).toString('base64');
  const page = await context.newPage();
  await page.setViewportSize({ width: width / 2, height: height / 2 });
  await page.setContent(`<body style="margin:0"><img src="data:image/png;base64,${data}" style="width:${width / 2}px;height:${height / 2}px;display:block"></body>`);
  await page.waitForFunction(() => document.querySelector('img').complete);
  await page.screenshot({ path: file.replace(/\.png$/, '-50.png') });
  await page.close();
}

test('the squeeze plays beat by beat, with the cursor in sync on every chart and the headlines at its date', async () => {
  const presets = await (await fetch(`${h.base}/api/presets`)).json();
  const script = presets.find((p) => p.id === 'late-2025-squeeze').script;
  const { context, page, errors } = await open(`${h.base}/?preset=late-2025-squeeze`, HD);
  const atEnd = await cursorState(page);
  assert.ok(atEnd.rows.every((r) => r === null), 'no cursor before playing');
  assert.match(await page.innerText('.headlines-date'), /^At the end of the run, \d{4}-\d{2}-\d{2}$/, 'the headlines say which day they show');
  await page.selectOption('[data-play="speed"]', '4');
  await page.click('[data-play="toggle"]');
  // The first beat is on the first day: shown at once, paused.
  await page.waitForSelector('.beat[data-beat="0"]');
  let previous = await cursorState(page);
  const seen = [];
  for (let beat = 0; beat < script.beats.length; beat += 1) {
    if (beat > 0) {
      await page.click('.beat-next');
      await page.waitForSelector(`.beat[data-beat="${beat}"]`, { timeout: 60_000 });
    }
    assert.equal(await page.innerText('[data-play="toggle"]'), 'Play', 'paused on the beat');
    const state = await cursorState(page);
    assert.equal(state.rows.length, h.chartIds.length);
    assert.ok(state.rows.every((r) => r !== null && r === state.rows[0]), `one cursor row on every chart: ${state.rows}`);
    const date = await page.innerText('.beat-date');
    assert.equal(state.date, date, 'the play bar shows the beat\'s date');
    assert.equal(state.headlinesDate, date, 'the headlines are dated the beat\'s day');
    assert.ok(state.readoutDates.length > 0 && state.readoutDates.every((d) => d === date), `every readout at the beat's day ${date}: ${state.readoutDates}`);
    // A number the beat states is the headline's at its date.
    const text = await page.innerText('.beat-text');
    if (text.includes('committed in all')) assert.ok(text.includes(state.figure['ai-committed']), `${text} / ${state.figure['ai-committed']}`);
    if (text.includes('now earns AI rent')) assert.ok(text.includes(state.figure.ai), `${text} / ${state.figure.ai}`);
    assert.ok(new URL(page.url()).searchParams.get('at') === date, `the link carries the position: ${page.url()}`);
    if (beat > 0) assert.notEqual(state.headlines, previous.headlines, `the headlines move between beats ${beat - 1} and ${beat}`);
    assert.equal(await page.locator('.chart .play-readout').count(), h.chartIds.length, 'paused: each chart reads out its values');
    seen.push({ date, text: (await page.innerText('.beat-text')).slice(0, 60) });
    if (beat === 3) await page.screenshot({ path: path.join(SHOTS, 'playback-beat.png') });
    previous = state;
  }
  assert.equal(seen.length, script.beats.length);
  // Past the last beat it plays to the end of the run, then stops.
  await page.click('.beat-next');
  await page.waitForFunction(() => document.querySelector('[data-play="scrubber"]').value === '1000', null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[data-play="toggle"]').innerText === 'Play');
  assert.equal((await cursorState(page)).headlines, atEnd.headlines, 'at the end the headlines are the run\'s final figures');
  console.log('beats:', JSON.stringify(seen));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the keyboard plays, steps between events and jumps, and events are announced', async () => {
  const { context, page, errors } = await open(`${h.base}/?preset=winter-storm-2026`);
  await page.focus('.play-controls');
  await page.keyboard.press('End');
  const last = await page.innerText('[data-play="date"]');
  await page.keyboard.press('Home');
  assert.equal(await page.innerText('[data-play="date"]'), '2026-01-12');
  await page.keyboard.press('ArrowRight');
  const first = await page.innerText('[data-play="date"]');
  assert.ok(first > '2026-01-12' && first < last, first);
  assert.ok((await page.innerText('[data-play="announce"]')).length > 10, 'the event is announced');
  await page.keyboard.press('ArrowRight');
  assert.ok((await page.innerText('[data-play="date"]')) > first);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.innerText('[data-play="date"]'), first);
  await page.keyboard.press(' ');
  assert.equal(await page.innerText('[data-play="toggle"]'), 'Pause');
  await page.keyboard.press(' ');
  assert.equal(await page.innerText('[data-play="toggle"]'), 'Play');
  assert.deepEqual(errors, []);
  await context.close();
});

/** The labels of `selector`'s SVGs (how many), and those whose box overlaps another's in the same SVG. */
async function overlappingTexts(page, selector) {
  return page.evaluate((selector) => {
    const svgs = [...document.querySelectorAll(selector)];
    const labels = svgs.reduce((n, svg) => n + svg.querySelectorAll('text').length, 0);
    return { labels, overlaps: svgs.flatMap((svg) => {
    const boxes = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim()).map((t) => ({ text: t.textContent.trim(), r: t.getBoundingClientRect() }));
    const hits = [];
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const [a, b] = [boxes[i].r, boxes[j].r];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) hits.push(`${boxes[i].text} / ${boxes[j].text}`);
      }
    }
    return hits;
  }) };
  }, selector);
}

for (const [width, height] of [[1920, 1080], [1366, 768], [1280, 720]]) {
  test(`a link opens at a beat in projector view at ${width}x${height}: two charts on the screen, labels of 16 px and more that never overlap`, async () => {
    const { context, page, errors } = await open(`${h.base}/?preset=late-2025-squeeze&at=2025-12-13&view=projector`, { viewport: { width, height } });
    await page.waitForSelector('.lab.projector');
    await page.waitForSelector('.beat[data-beat="3"]');
    assert.match(await page.innerText('.beat-text'), /^The difficulty falls/);
    const charts = await page.evaluate(() => [...document.querySelectorAll('.chart')].filter((c) => c.offsetParent !== null).map((c) => c.dataset.chart));
    assert.deepEqual(charts, ['hashrate', 'hashprice'], 'the story\'s two charts, in page order');
    // Tick and axis labels are the SVG's largest text; event labels on the markers are a size smaller.
    const sizes = await page.evaluate(() => [...document.querySelectorAll('.chart.featured')].map((c) => {
      const svg = c.querySelector('svg');
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const fonts = [...svg.querySelectorAll('text')].map((t) => parseFloat(t.getAttribute('font-size')) * scale);
      const box = c.getBoundingClientRect();
      return {
        ticks: Math.max(...fonts),
        markers: Math.min(...fonts),
        legend: parseFloat(getComputedStyle(c.querySelector('.legend')).fontSize),
        right: box.right,
        bottom: box.bottom,
      };
    }));
    const least = width >= 1920 ? 20 : 16;
    for (const size of sizes) {
      assert.ok(size.ticks >= least, `ticks at ${size.ticks.toFixed(1)} px`);
      assert.ok(size.legend >= 16, `legend at ${size.legend} px`);
      assert.ok(size.bottom <= height && size.right <= width, `the chart ends at (${size.right}, ${size.bottom}): on the screen`);
    }
    const page_size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    assert.deepEqual(page_size, [width, height], 'the page does not overflow the screen');
    const { labels, overlaps } = await overlappingTexts(page, '.chart.featured svg');
    assert.ok(labels > 20, `${labels} labels measured`);
    assert.deepEqual(overlaps, [], 'no two labels overlap');
    console.log(`projector ${width}x${height} text sizes (px):`, JSON.stringify(sizes));
    const file = path.join(SHOTS, `playback-projector-${width}x${height}.png`);
    await page.screenshot({ path: file });
    if (width === 1920) {
      await halfSize(context, file, 1920, 1080);
      // Leaving the projector view keeps the position.
      await page.click('[data-play="projector"]');
      await page.waitForSelector('.lab:not(.projector) .chart:nth-of-type(3)');
      assert.equal(new URL(page.url()).searchParams.get('at'), '2025-12-13');
      assert.equal(new URL(page.url()).searchParams.get('view'), null);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('every preset\'s story fits the frame its embed snippet offers, 800 px wide', async () => {
  const { context, page, errors } = await open(`${h.base}/?preset=late-2025-squeeze`);
  await page.click('.embed-snippet summary');
  await page.selectOption('#embed-chart', 'story');
  await page.waitForFunction(() => document.querySelector('#embed-code')?.value.includes('/embed/story'));
  const [, frameWidth, frameHeight] = (await page.inputValue('#embed-code')).match(/width="(\d+)" height="(\d+)"/).map(Number);
  assert.equal(frameWidth, 800);
  const presets = (await (await fetch(`${h.base}/api/presets`)).json()).map((preset) => preset.id);
  await page.setViewportSize({ width: frameWidth, height: 400 });
  const heights = {};
  for (const id of presets) {
    await page.goto(`${h.base}/embed/story?preset=${id}`);
    await page.waitForSelector('.chart.featured svg', { timeout: 60_000 });
    heights[id] = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(heights[id] <= frameHeight, `${id}: ${heights[id]} px in a ${frameHeight} px frame`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), frameWidth, `${id}: no sideways scroll`);
  }
  console.log(`story embed heights (px) in an ${frameWidth}x${frameHeight} frame:`, JSON.stringify(heights));
  assert.deepEqual(errors, []);
  await context.close();
});

test('playing the default run costs no round trip per frame (frames per second)', async () => {
  const { context, page, errors } = await open(`${h.base}/`, HD);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.click('[data-play="toggle"]');
  // Play through beats for 6 s of playing; each beat pauses, "Next" resumes.
  const until = Date.now() + 6_000;
  while (Date.now() < until) {
    if (await page.locator('.beat-next').isVisible() && (await page.innerText('[data-play="toggle"]')) === 'Play') {
      if ((await page.getAttribute('[data-play="scrubber"]', 'value')) === '1000') break;
      await page.click('.beat-next');
    }
    await page.waitForTimeout(200);
  }
  const fps = Number(await page.getAttribute('body', 'data-play-fps'));
  assert.ok(fps > 0, 'frames were counted');
  assert.deepEqual(requests.filter((u) => u.includes('/api/') || u.includes('simulate')), [], 'no server call while playing');
  h.timings['Playback of the default run, frames per second (1920x1080, headless Chromium)'] = fps.toFixed(1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the story embeds in a course page of another origin and plays there', async () => {
  const { createServer } = await import('node:http');
  const { context, page, errors } = await open(`${h.base}/?preset=bull-run&operators=300`);
  await page.click('.embed-snippet summary');
  await page.selectOption('#embed-chart', 'story');
  await page.waitForFunction(() => document.querySelector('#embed-code')?.value.includes('/embed/story'));
  const code = await page.inputValue('#embed-code');
  assert.ok(code.startsWith(`<iframe src="${h.base}/embed/story?v=14&amp;preset=bull-run&amp;seed=42&amp;operators=300"`), code);
  const course = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!DOCTYPE html><title>Course</title><h1>Week 4: a bull run</h1>${code}`);
  });
  await new Promise((resolve) => course.listen(0, '127.0.0.1', resolve));
  const other = await context.newPage();
  other.on('pageerror', (e) => errors.push(String(e)));
  await other.setViewportSize({ width: 900, height: 1000 });
  await other.goto(`http://127.0.0.1:${course.address().port}/`);
  const frame = await (await other.waitForSelector('iframe[src*="/embed/story"]')).contentFrame();
  await frame.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  assert.equal(await frame.locator('.chart.featured').count(), 2);
  await frame.click('[data-play="toggle"]');
  await frame.waitForSelector('.beat[data-beat="0"]');
  await frame.click('.beat-next');
  await frame.waitForSelector('.beat[data-beat="1"]', { timeout: 60_000 });
  assert.match(await frame.innerText('.beat-text'), /^The difficulty rises/);
  assert.match(await frame.getAttribute('.embed-back a', 'href'), /^\/\?v=14&preset=bull-run&seed=42&operators=300&at=/);
  await other.screenshot({ path: path.join(SHOTS, 'playback-story-embed.png') });
  course.close();
  assert.deepEqual(errors, []);
  await context.close();
});
