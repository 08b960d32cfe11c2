// A rejected call's error: a plain Error with a message that names the operation.

/**
 * The Error `fn` throws (or its promise rejects with): a plain `Error` (not a TypeError,
 * RangeError or WebAssembly.RuntimeError) whose message matches `message`.
 */
export async function namedError(fn: () => unknown, message: RegExp | string): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof Error)) throw new Error(`expected an Error matching ${String(message)}, got ${String(caught)}`);
  if (caught.constructor !== Error) throw new Error(`expected a plain Error, got a ${caught.constructor.name}: ${caught.message}`);
  const ok = typeof message === 'string' ? caught.message.includes(message) : message.test(caught.message);
  if (!ok) throw new Error(`expected an Error matching ${String(message)}, got: ${caught.message}`);
  return caught;
}
