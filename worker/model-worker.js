// Hashlab's model in a Web Worker (a module worker: `new Worker("/pkg/model-worker.js", { type: "module" })`).
//
// Post `{ id, query }` (a share-link query); the answer is `{ id, csv, ms }`
// (the run's daily series, as `GET /api/export.csv` gives them, and the
// milliseconds the run took here) or `{ id, error }` (the field that is wrong
// and its allowed values). Post `{ id, query, charts: true, compact, only }` for
// the page's charts of that run instead (`only`: which charts, a bit each in the
// page's order, `app::catalogue::ChartSet`; 0 or none: all; the same link again
// draws from the run kept): `{ id, query, charts, headlines, ms }`,
// `charts` as `[{ id, svg }]` and `headlines` as `[{ id, value, change }]`,
// each in the page's order (the page follows a dragged slider with them). A newer message supersedes any still waiting: while a
// run is under way only the latest request is kept, so a dragged slider never
// leaves a queue of stale runs behind it.
//
// The model is `model.wasm`, built from worker/ for wasm32-wasip1 (see its
// lib.rs for why): this script gives it the few WASI calls Rust's std makes.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const compiled = WebAssembly.compileStreaming(fetch(new URL("./model.wasm", import.meta.url)));
let model = null;

/** A fresh instance of the model (again after a run that trapped, whose memory cannot be trusted). */
async function instantiate() {
  let memory = null;
  const bytes = (pointer, length) => new Uint8Array(memory.buffer, pointer, length);
  const view = () => new DataView(memory.buffer);
  const ERRNO_BADF = 8;
  const ERRNO_NOSYS = 52;
  let stderr = "";
  const wasi = {
    random_get(pointer, length) {
      // std seeds its hash maps with it; the model's numbers never depend on it.
      for (let done = 0; done < length; done += 65536) {
        crypto.getRandomValues(bytes(pointer + done, Math.min(65536, length - done)));
      }
      return 0;
    },
    clock_time_get(_id, _precision, out) {
      view().setBigUint64(out, BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)), true);
      return 0;
    },
    fd_write(fd, iovs, count, written) {
      let total = 0;
      for (let i = 0; i < count; i += 1) {
        const pointer = view().getUint32(iovs + 8 * i, true);
        const length = view().getUint32(iovs + 8 * i + 4, true);
        if (fd === 1 || fd === 2) stderr += decoder.decode(bytes(pointer, length));
        total += length;
      }
      view().setUint32(written, total, true);
      const lines = stderr.split("\n");
      stderr = lines.pop();
      for (const line of lines) console.error(`model: ${line}`);
      return fd === 1 || fd === 2 ? 0 : ERRNO_BADF;
    },
    environ_sizes_get(count, size) {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return 0;
    },
    environ_get: () => 0,
    args_sizes_get(count, size) {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return 0;
    },
    args_get: () => 0,
    // No files here: the C library's scan for preopened directories stops at the first bad descriptor.
    fd_prestat_get: () => ERRNO_BADF,
    fd_prestat_dir_name: () => ERRNO_BADF,
    fd_fdstat_get: () => ERRNO_BADF,
    fd_close: () => ERRNO_BADF,
    sched_yield: () => 0,
    proc_exit(code) {
      throw new Error(`the model exited (${code})`);
    },
  };
  // Any other call std might make: "not supported here".
  const imports = new Proxy(wasi, { get: (target, name) => target[name] ?? (() => ERRNO_NOSYS) });
  const instance = await WebAssembly.instantiate(await compiled, { wasi_snapshot_preview1: imports });
  memory = instance.exports.memory;
  instance.exports._initialize?.();
  return instance.exports;
}

/** Calls a run of the model with `query` (and `rest`), and reads its answer. */
function call(run, query, ...rest) {
  const input = encoder.encode(query);
  const pointer = model.hashlab_alloc(input.length);
  new Uint8Array(model.memory.buffer, pointer, input.length).set(input);
  const answer = run(pointer, input.length, ...rest);
  const header = new DataView(model.memory.buffer, answer, 5);
  const length = header.getUint32(0, true);
  const failed = header.getUint8(4) !== 0;
  const text = decoder.decode(new Uint8Array(model.memory.buffer, answer + 5, length));
  model.hashlab_free_answer(answer);
  if (failed) throw new Error(text);
  return text;
}

let ready = instantiate().then((exports) => {
  model = exports;
});
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
      if (job.charts) {
        // Parsed here, off the page's thread: the page is sent each chart's SVG as a string of its own.
        const { charts, headlines } = JSON.parse(call(model.hashlab_run_charts, String(job.query), job.compact ? 1 : 0, job.only >>> 0));
        self.postMessage({ id: job.id, query: job.query, charts, headlines, ms: performance.now() - started });
      } else {
        const csv = call(model.hashlab_run_csv, String(job.query));
        self.postMessage({ id: job.id, csv, ms: performance.now() - started });
      }
    } catch (e) {
      self.postMessage({ id: job.id, error: e instanceof WebAssembly.RuntimeError ? `the model failed: ${e}` : e.message });
      if (e instanceof WebAssembly.RuntimeError) {
        ready = instantiate().then((exports) => {
          model = exports;
        });
        await ready;
      }
    }
    // Let messages that came in during the run arrive: only the newest is run next.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  busy = false;
}
