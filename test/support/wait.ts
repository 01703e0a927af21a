/**
 * Waits for work the service does after its reply (the outbox sender, a delivery report
 * recorded after the 200), checking every 20 ms. The deadline is generous because on
 * FerretDB under a loaded CI machine one send takes several slow queries; a check that
 * never holds still fails, naming what it waited for.
 */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 20));
  }
}
