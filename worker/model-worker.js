// Hashlab's model in a Web Worker (a module worker: `new Worker("/pkg/model-worker.js", { type: "module" })`).
//
// Post `{ id, query }` (a share-link query); the answer is `{ id, csv, ms }`
// (the run's daily series, as `GET /api/export.csv` gives them, and the
// milliseconds the run took here) or `{ id, error }` (the field that is wrong
// and its allowed values). A newer message supersedes any still waiting: while
// a run is under way only the latest request is kept, so a dragged slider
// never leaves a queue of stale runs behind it.
import init, { runCsv } from "./model.js";

const ready = init();
let waiting = null;
let busy = false;

self.onmessage = (event) => {
  waiting = event.data;
  if (!busy) pump();
};

async function pump() {
  busy = true;
  try {
    await ready;
  } catch (e) {
    self.postMessage({ id: waiting && waiting.id, error: `the model did not load: ${e}` });
    busy = false;
    return;
  }
  while (waiting) {
    const job = waiting;
    waiting = null;
    const started = performance.now();
    try {
      const csv = runCsv(String(job.query));
      self.postMessage({ id: job.id, csv, ms: performance.now() - started });
    } catch (e) {
      self.postMessage({ id: job.id, error: String(e) });
    }
    // Let messages that came in during the run arrive: only the newest is run next.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  busy = false;
}
