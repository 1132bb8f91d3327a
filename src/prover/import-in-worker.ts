import threads from "node:worker_threads";

/**
 * Imports a module that loads `web-worker@1.2.0` (snarkjs, ffjavascript) from inside a worker
 * thread. That package assumes any non-main thread is one of its own children and crashes on load
 * (upstream: developit/web-worker#57). While the module loads, this thread is the main thread as
 * far as web-worker is concerned; threads web-worker itself starts still carry its workerData and
 * behave as its children. Only the first import matters: later ones hit the module cache.
 */
export async function importInWorker<T>(load: () => Promise<T>): Promise<T> {
  const isMain = Object.getOwnPropertyDescriptor(threads, "isMainThread")!;
  Object.defineProperty(threads, "isMainThread", { ...isMain, value: true });
  try {
    return await load();
  } finally {
    Object.defineProperty(threads, "isMainThread", isMain);
  }
}
