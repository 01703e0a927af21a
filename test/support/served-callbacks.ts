import type { Service } from '../../src/entry/service.js';

/**
 * The provider callbacks a service serves, read from its Express app's routes (every POST
 * outside the staff pages and API): what is really served, not what a list says. The lean
 * path in front of Express serves the same callbacks (src/http/callbacks.ts).
 */
export function servedCallbackPaths(service: Pick<Service, 'app'>): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const served = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route?.methods.post && !/^\/(staff|api)\b/.test(layer.route.path)) served.add(layer.route.path);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((service.app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...served].sort();
}
