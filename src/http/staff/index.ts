import type { NextFunction, Request, Response } from 'express';
import type { StaffContext } from './context.js';
import { registerApiRoutes, registerScorecardApiRoutes } from './api-routes.js';
import { forbiddenPage, signInPage } from './layout.js';
import { createStaffRegistry } from './registry.js';
import { registerQuestionnairePages } from './pages/questionnaires.js';
import { registerFacilityPages } from './pages/facilities.js';
import { registerFacilityTypeRoutes } from './pages/facility-types.js';
import { registerGeneralPages } from './pages/general.js';
import { registerScorecardPages } from './pages/scorecards.js';
import { registerFormatRoutes } from './pages/formats.js';
import { registerCharterRoutes } from './pages/charters.js';
import { registerCasePages, registerCaseRoutes } from './pages/cases.js';
import { registerFlowResultsRoutes } from './flow-results-routes.js';

/** Paths whose routes parse their own request bodies (see registry.ts for the limits). */
export const STAFF_PATHS = /^\/(staff|api\/v1)(\/|$)/;

/**
 * A strict Content-Security-Policy: scripts and styles only from this origin's files, no
 * inline script, no framing. Staff pages are private, so nothing is cached.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function securityHeaders(req: Request, res: Response, next: NextFunction) {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    // not no-referrer: with it browsers send `Origin: null` on the pages' own form posts, which the sign-in check needs
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  });
  if (!req.path.startsWith('/staff/assets/')) res.set('Cache-Control', 'no-store');
  next();
}

export function createStaffRoutes(ctx: StaffContext) {
  const reg = createStaffRegistry(ctx.auth, { unauthorized: (req) => signInPage(req, 'Please sign in to see this page.'), forbidden: forbiddenPage });
  reg.router.use(['/staff', '/api/v1'], securityHeaders);
  const durable = ctx.storage.durable;
  reg.router.use('/staff', (req, _res, next) => {
    req.staffStorageDurable = durable;
    next();
  });
  registerGeneralPages(reg, ctx);
  registerQuestionnairePages(reg, ctx);
  registerFacilityPages(reg, ctx);
  registerFacilityTypeRoutes(reg, ctx);
  registerScorecardPages(reg, ctx);
  registerFormatRoutes(reg, ctx);
  registerCharterRoutes(reg, ctx);
  registerCaseRoutes(reg, ctx);
  registerCasePages(reg, ctx);
  registerFlowResultsRoutes(reg, ctx);
  registerApiRoutes(reg, ctx);
  registerScorecardApiRoutes(reg, ctx);
  return { router: reg.router, specs: reg.specs };
}
