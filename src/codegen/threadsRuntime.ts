// The JavaScript that emitted modules carry to run one model on several worker_threads (Node only): the `load`
// wrapper that shards a batch, the pool of workers, and the worker's own code. Strings, like runtime.ts: modules
// import nothing of mconv. How a model splits and how much work a sample is are decided in threads.ts.

/** The worker's code: a function the module carries, started in a worker from its source text. */
export const WORKER_SOURCE = `/**
 * The code a worker thread runs, started as the text of this function. It gets the model's \`load\` from
 * \`workerData.source\` — the module's own URL (an emitted file), or the module body with the URLs of its imports
 * (loadCompiled) — loads one single-threaded instance and answers \`{ id, inputs }\` requests one at a time, in order.
 */
async function workerMain() {
  "use strict";
  const { parentPort, workerData } = await import("node:worker_threads");
  const reason = (cause) => (cause instanceof Error ? cause.message : String(cause));
  const fromEntries = (entries) => {
    const map = Object.create(null);
    for (const [name, shape, data] of entries) map[name] = { shape, data };
    return map;
  };
  let model;
  try {
    const source = workerData.source;
    let load;
    if (source.url !== undefined) {
      load = (await import(source.url)).load;
    } else {
      const values = [];
      for (const m of source.modules) {
        if (m.lazy) values.push(() => import(m.url));
        else {
          const value = await import(m.url);
          if (m.prod) value.env().set("PROD", true);
          if (m.name !== null) values.push(value);
        }
      }
      const names = source.modules.filter((m) => m.name !== null).map((m) => m.name);
      const host = { importNode: (name) => import(name), worker: source };
      load = new Function(...names, "threadSource", source.body)(...values, host);
    }
    model = await load(fromEntries(workerData.weights), workerData.options);
  } catch (cause) {
    parentPort.postMessage({ kind: "failed", message: reason(cause) });
    return;
  }
  let queue = Promise.resolve();
  parentPort.on("message", (request) => {
    queue = queue.then(async () => {
      try {
        const outputs = await model.predict(fromEntries(request.inputs));
        const entries = [];
        const buffers = new Set();
        for (const name of Object.keys(outputs)) {
          let data = outputs[name].data;
          // Hand over a buffer only when the output is all of it; a view into something larger is copied.
          if (!(data.buffer instanceof ArrayBuffer) || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength ||
              buffers.has(data.buffer)) data = data.slice();
          entries.push([name, outputs[name].shape, data]);
          buffers.add(data.buffer);
        }
        parentPort.postMessage({ id: request.id, outputs: entries }, [...buffers]);
      } catch (cause) {
        parentPort.postMessage({ id: request.id, error: reason(cause) });
      }
    });
  });
  parentPort.postMessage({ kind: "ready" });
}
`;

/** Checking options.threads, which every module does. */
export const THREADS_OPTION_SOURCE = `/** options.threads: a whole number ≥ 1, or "auto" (the default: more threads only where the batch pays for them). */
function threadsOption(options) {
  const t = options != null && options.threads !== undefined ? options.threads : "auto";
  if (t === "auto" || (Number.isInteger(t) && t >= 1)) return t;
  throw new Error("options.threads must be a whole number of at least 1, or \\"auto\\"; got " +
    (typeof t === "string" ? JSON.stringify(t) : String(t)));
}
`;

/** The helpers of the threaded `load`, in the module after the single-threaded one (`loadOnThisThread`). */
export const THREADS_SOURCE = `/** Whether worker_threads exist here (Node, and runtimes that follow it). */
async function hasWorkerThreads(importNode) {
  try {
    return typeof (await importNode("node:worker_threads")).Worker === "function";
  } catch {
    return false;
  }
}

/** The tensors of a map as [name, shape, data] entries: names like __proto__ survive the trip to a worker. */
function tensorEntries(map) {
  if (map == null) return [];
  return Object.keys(map).map((name) => [name, map[name] != null ? map[name].shape : undefined, map[name] != null ? map[name].data : undefined]);
}

/** Rows [from, to) of a batched tensor; a copy the worker can own when \`copy\`, else a view where possible. */
function rows(t, from, to, copy) {
  const size = t.data.length / t.shape[0];
  const [a, b] = [from * size, to * size];
  let part;
  if (ArrayBuffer.isView(t.data)) {
    // A typed array: a view for this thread, a float32 copy for a worker (one pass, no array of numbers between).
    const view = t.data.subarray(a, b);
    part = !copy ? view : view instanceof Float32Array ? view.slice() : Float32Array.from(view);
  } else {
    part = Float32Array.from(Array.prototype.slice.call(t.data, a, b));
  }
  return { shape: [to - from, ...Array.from(t.shape).slice(1)], data: part };
}

/**
 * The batch size of \`inputs\` when every input split along the batch is a well-formed tensor and all agree;
 * undefined otherwise (the model on this thread then runs the whole call, and reports any problem as it would).
 */
function batchOf(inputs, split) {
  let batch;
  for (const name of split.inputs) {
    const t = inputs != null && Object.prototype.hasOwnProperty.call(inputs, name) ? inputs[name] : undefined;
    if (t == null || typeof t !== "object" || t.shape == null || t.data == null) return undefined;
    const shape = Array.from(t.shape);
    if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0)) return undefined;
    if (t.data.length !== shape.reduce((a, b) => a * b, 1)) return undefined;
    if (batch !== undefined && shape[0] !== batch) return undefined;
    batch = shape[0];
  }
  return batch;
}

/** The threads worth using for a batch under "auto": one unless each thread gets a few milliseconds of work. */
function autoThreads(batch, split, backend, cores) {
  const speed = split.macsPerMs[backend];
  const least = split.msPerThread[backend];
  if (speed === undefined || least === undefined || cores < 2 || batch < 2) return 1;
  const ms = (batch * split.macsPerSample) / speed;
  return Math.max(1, Math.min(cores, batch, Math.floor(ms / least)));
}

/**
 * A worker thread running one instance of this model; requests answered in order. \`host\` is threadSource:
 * \`importNode\` imports a Node module, \`worker\` tells the worker where the model's code is.
 */
async function startWorker(host, weights, options) {
  const { Worker } = await host.importNode("node:worker_threads");
  let worker;
  try {
    worker = new Worker("(" + workerMain.toString() + ")();", { eval: true, workerData: { source: host.worker, weights, options } });
  } catch (cause) {
    throw new Error("a worker thread could not be started: " + (cause instanceof Error ? cause.message : String(cause)));
  }
  const pending = new Map();
  const slot = { worker, pending, failure: undefined };
  const fail = (message) => {
    if (slot.failure === undefined) slot.failure = message;
    for (const p of pending.values()) p.reject(new Error(slot.failure));
    pending.clear();
    worker.unref();
  };
  await new Promise((resolve, reject) => {
    const failed = (message) => {
      fail(message);
      reject(new Error(message));
    };
    worker.on("message", (m) => {
      if (m.kind === "ready") resolve();
      else if (m.kind === "failed") failed("a worker thread could not load the model: " + m.message);
      else {
        const p = pending.get(m.id);
        if (p === undefined) return;
        pending.delete(m.id);
        if (pending.size === 0) worker.unref();
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.outputs);
      }
    });
    worker.on("error", (e) => failed("a worker thread of the model failed: " + (e instanceof Error ? e.message : String(e))));
    worker.on("exit", (code) => failed("a worker thread of the model stopped (exit code " + code + ")"));
  });
  worker.unref();
  return slot;
}

/** Sends one shard to a worker (handing over the copies of the \`owned\` inputs); resolves to its outputs as [name, shape, data] entries. */
function ask(slot, id, inputs, owned) {
  if (slot.failure !== undefined) return Promise.reject(new Error(slot.failure));
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    const transfer = new Set();
    for (const [name, , data] of inputs) if (owned.includes(name)) transfer.add(data.buffer);
    slot.worker.postMessage({ id, inputs }, [...transfer]);
  });
}

/**
 * The model \`local\` (loaded on this thread) with the batch shared out: shard 0 runs here, the others on workers
 * (started by the first call that wants them, no more than its batch needs). Every shard runs the same
 * code as a single-threaded call; outputs are joined in batch order. Idle workers never keep the process alive.
 */
function threadedModel(local, threads, split, backend, start, importNode) {
  let slots = [];
  let planned = 0;
  let ready = Promise.resolve();
  let disposed = false;
  let nextId = 0;
  const stopAll = () => {
    for (const s of slots) s.worker.terminate();
  };
  // Starts workers until \`count\` threads (this one included) exist; a worker that fails to start fails the model.
  const ensure = (count) => {
    const more = count - 1 - planned;
    if (more > 0) {
      planned += more;
      const started = Promise.allSettled(Array.from({ length: more }, () => start()));
      ready = ready.then(() => started).then((results) => {
        for (const r of results) if (r.status === "fulfilled") slots.push(r.value);
        if (disposed) stopAll();
        const bad = results.find((r) => r.status === "rejected");
        if (bad !== undefined) throw bad.reason;
      });
    }
    return ready;
  };
  const api = {
    async predict(inputs) {
      if (disposed) throw new Error("predict() after dispose()");
      const batch = batchOf(inputs, split);
      if (batch === undefined) return local.predict(inputs);
      const want = typeof threads === "number" ? Math.min(threads, batch)
        : batch < 2 ? 1 : autoThreads(batch, split, backend, await availableCores(importNode));
      if (want <= 1) return local.predict(inputs);
      await ensure(want);
      if (disposed) throw new Error("predict() after dispose()");
      const count = Math.min(want, slots.length + 1);
      const bounds = Array.from({ length: count + 1 }, (_, i) => Math.round((batch * i) / count));
      const shard = (i, copy) => tensorEntries(inputs).map(([name, shape, data]) => {
        if (!split.inputs.includes(name)) return [name, shape, data];
        const part = rows({ shape, data }, bounds[i], bounds[i + 1], copy);
        return [name, part.shape, part.data];
      });
      const asked = [];
      for (let i = 1; i < count; i++) asked.push(ask(slots[i - 1], nextId++, shard(i, true), split.inputs));
      const here = Object.create(null);
      for (const [name, shape, data] of shard(0, false)) here[name] = { shape, data };
      // Shard 0's outputs are copied into arrays for the whole batch as soon as they are made, while the workers
      // still run (every output is batched: a shard's part is its rows' share); the workers' parts follow.
      const joinHere = (entries) => entries.map(([name, shape, data]) => {
        const joined = new Float32Array((data.length / bounds[1]) * batch);
        joined.set(data);
        return [name, shape, data.length, joined];
      });
      const settled = await Promise.allSettled([local.predict(here).then(tensorEntries).then(joinHere), ...asked]);
      const failure = settled.find((s) => s.status === "rejected");
      if (failure !== undefined) throw failure.reason;
      const parts = settled.map((s) => s.value);
      const outputs = Object.create(null);
      parts[0].forEach(([name, shape, length, joined], k) => {
        let at = length;
        for (const p of parts.slice(1)) {
          joined.set(p[k][2], at);
          at += p[k][2].length;
        }
        if (at !== joined.length) throw new Error("output '" + name + "': the threads' parts do not fill the batch");
        outputs[name] = { shape: [batch, ...Array.from(shape).slice(1)], data: joined };
      });
      return outputs;
    },
    /** Frees what the model holds and stops its worker threads. */
    dispose() {
      if (disposed) return;
      disposed = true;
      stopAll();
      if (typeof local.dispose === "function") local.dispose();
    },
  };
  return api;
}

/** The cores this process may use. */
async function availableCores(importNode) {
  const os = await importNode("node:os");
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}
`;
