import { type NextFunction, type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { OPEN_DATA_COLUMNS, OPEN_DATA_LICENCE, OpenDataQuery, type openDataRows } from '../../app/public/open-data.js';
import { publicQuery, type PageResult, type PublicPages } from '../../app/public/public-pages.js';
import { csvLine } from '../../text/csv.js';
import { CONTENT_SECURITY_POLICY } from '../staff/index.js';
import { districtPage, errorPage, facilityPage, nationalPage, type PublicTexts, type RenderContext } from './render.js';
import { PUBLIC_CSS } from './style.js';
import { formProblems } from '../validation.js';

/**
 * The public pages and open data: no sign-in, server-rendered, no script. The staff pages'
 * CSP; shared caches may keep a page (Cache-Control public): a complete month's figures for an
 * hour (its charter may still move), the running month's for five minutes, open data (complete
 * months only) for a day.
 */

export type PublicContext = {
  pages: PublicPages;
  openData: (query: { from?: string; to?: string }) => ReturnType<typeof openDataRows>;
  texts: PublicTexts;
  languages: string[];
  defaultLanguage: string;
};

export const CACHE = {
  complete: 'public, max-age=3600',
  running: 'public, max-age=300',
  openData: 'public, max-age=86400',
  error: 'public, max-age=60',
  asset: 'public, max-age=86400',
} as const;

function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' });
  next();
}

const Code = z.string().min(1).max(64);

export function createPublicRoutes(ctx: PublicContext): Router {
  const router = Router();
  router.use('/public', securityHeaders);
  const query = publicQuery(ctx.languages);

  router.get('/public/assets/public.css', (_req, res) => {
    res.set('Cache-Control', CACHE.asset).type('text/css').send(PUBLIC_CSS);
  });

  /** Validates ?period= and ?lang=, then renders the page or a readable error page in the visitor's language. */
  function pageRoute<T extends { period: { key: string; complete: boolean } }>(
    load: (req: Request, period: string | undefined, lang: string) => Promise<PageResult<T> | null>,
    render: (c: RenderContext, page: T) => string,
  ) {
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        const rawLang = typeof req.query.lang === 'string' && ctx.languages.includes(req.query.lang) ? req.query.lang : ctx.defaultLanguage;
        const base: RenderContext = { lang: rawLang, texts: ctx.texts, path: req.path, period: null };
        const parsed = query.safeParse(req.query);
        if (!parsed.success) {
          const message = formProblems(parsed.error).join('; ');
          return void res
            .status(400)
            .set('Cache-Control', CACHE.error)
            .type('html')
            .send(errorPage(base, `Bad request: ${message}`));
        }
        const lang = parsed.data.lang ?? ctx.defaultLanguage;
        const c: RenderContext = { ...base, lang, period: parsed.data.period ?? null };
        const result = await load(req, parsed.data.period, lang);
        if (!result) return void res.status(404).set('Cache-Control', CACHE.error).type('html').send(errorPage(c, 'Not found'));
        if (!result.ok) return void res.status(result.status).set('Cache-Control', CACHE.error).type('html').send(errorPage(c, result.message));
        res
          .status(200)
          .set({ 'Cache-Control': result.page.period.complete ? CACHE.complete : CACHE.running, 'Content-Language': lang })
          .type('html')
          .send(render({ ...c, period: result.page.period.key }, result.page));
      } catch (e) {
        next(e);
      }
    };
  }

  router.get(
    '/public',
    pageRoute((_req, period, lang) => ctx.pages.national(period, lang), nationalPage),
  );
  router.get(
    '/public/districts/:district',
    pageRoute(async (req, period, lang) => {
      const d = Code.safeParse(req.params.district);
      return d.success ? ctx.pages.district(d.data, period, lang) : null;
    }, districtPage),
  );
  router.get(
    '/public/facilities/:code',
    pageRoute(async (req, period, lang) => {
      const code = Code.safeParse(req.params.code);
      return code.success ? ctx.pages.facility(code.data, period, lang) : null;
    }, facilityPage),
  );

  router.get('/public/data/scorecards.:format', async (req, res, next) => {
    try {
      const format = req.params.format;
      if (format !== 'csv' && format !== 'json') return void res.status(404).set('Cache-Control', CACHE.error).type('text/plain').send('not found: open data is scorecards.csv or scorecards.json');
      const parsed = OpenDataQuery.safeParse(req.query);
      if (!parsed.success) {
        return void res
          .status(400)
          .set('Cache-Control', CACHE.error)
          .type('text/plain')
          .send(`Bad request: ${formProblems(parsed.error).join('; ')}`);
      }
      const result = await ctx.openData(parsed.data);
      if (!result.ok) return void res.status(result.status).set('Cache-Control', CACHE.error).type('text/plain').send(`Bad request: ${result.message}`);
      res.set('Cache-Control', CACHE.openData);
      if (format === 'csv') {
        const names = OPEN_DATA_COLUMNS.map((c) => c.name);
        const lines = [csvLine(names), ...result.rows.map((r) => csvLine(names.map((n) => r[n])))];
        res
          .type('text/csv; charset=utf-8')
          .set('Content-Disposition', `inline; filename="scorecards-${result.from}-${result.to}.csv"`)
          .set('Link', `<${OPEN_DATA_LICENCE.path}>; rel="license"`)
          .send(lines.join(''));
        return;
      }
      res.json({
        title: 'Citizen report card scorecards',
        description:
          'Per facility and complete month, the published aggregates of citizen reports. A figure resting on fewer than min_count reports is not published: its value is null and its status is not_enough_reports.',
        licence: OPEN_DATA_LICENCE,
        from: result.from,
        to: result.to,
        columns: OPEN_DATA_COLUMNS,
        rows: result.rows,
      });
    } catch (e) {
      next(e);
    }
  });

  // anything else under /public: a page, not the JSON 404 of the API
  router.use('/public', (req, res) => {
    const lang = typeof req.query.lang === 'string' && ctx.languages.includes(req.query.lang) ? req.query.lang : ctx.defaultLanguage;
    res
      .status(404)
      .set('Cache-Control', CACHE.error)
      .type('html')
      .send(errorPage({ lang, texts: ctx.texts, path: '/public', period: null }, 'Not found'));
  });
  return router;
}
