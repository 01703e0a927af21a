/**
 * The public pages' one style sheet, served from /public/assets/public.css (the CSP allows
 * styles from this origin only). Mobile first: one column, large tap targets, text #111 on
 * #fff and links #0b4f9c (contrast above 7:1), a visible focus ring. Kept in code so the
 * build output needs no copied asset.
 */
export const PUBLIC_CSS = `
:root { --ink: #111; --muted: #3d3d3d; --line: #8a8a8a; --link: #0b4f9c; --bar: #1f5fa8; --bad: #8f1414; --soft: #f2f4f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--link); }
a:focus, button:focus, select:focus { outline: 3px solid #f0a500; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
header { background: #0f2a47; color: #fff; padding: 8px 12px; }
header a { color: #fff; }
.brand { margin: 0; font-weight: 600; }
.langs { margin: 4px 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; }
.langs a { display: inline-block; padding: 6px 2px; min-height: 44px; line-height: 32px; }
.langs a[aria-current] { font-weight: 700; text-decoration: none; border-bottom: 3px solid #f0a500; }
.draft { background: #fff4d6; border-bottom: 2px solid #b07b00; padding: 8px 12px; margin: 0; }
main { padding: 8px 12px 24px; max-width: 48rem; margin: 0 auto; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 12px 0 4px; }
h2 { font-size: 1.2rem; margin: 24px 0 8px; border-top: 1px solid var(--line); padding-top: 12px; }
h3 { font-size: 1.05rem; margin: 16px 0 6px; }
.sub { color: var(--muted); margin: 0 0 8px; }
.crumbs { margin: 8px 0 0; font-size: 0.95rem; }
form.period { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 12px 0; }
form.period select, form.period button { font: inherit; min-height: 44px; padding: 4px 8px; }
form.period button { background: #0f2a47; color: #fff; border: 0; border-radius: 4px; padding: 4px 16px; }
.note { background: var(--soft); padding: 8px 12px; border-left: 4px solid var(--line); margin: 8px 0; }
.figures { list-style: none; padding: 0; margin: 8px 0; display: grid; gap: 8px; }
.figures li { background: var(--soft); padding: 8px 12px; border-radius: 4px; }
.figures .label { display: block; color: var(--muted); font-size: 0.95rem; }
.figures .value { font-size: 1.25rem; font-weight: 700; }
.na { font-style: italic; font-weight: 400 !important; color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 0.95rem; }
th, td { text-align: left; padding: 6px 8px 6px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { white-space: normal; }
.na { overflow-wrap: anywhere; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
svg.chart { width: 100%; height: auto; display: block; margin: 8px 0; }
.actions { list-style: none; padding: 0; }
.actions > li { border: 1px solid var(--line); border-radius: 4px; padding: 8px 12px; margin: 0 0 8px; }
.actions .title { font-weight: 700; margin: 0; }
.status { display: inline-block; padding: 0 6px; border: 1px solid var(--ink); border-radius: 3px; font-size: 0.9rem; }
.overdue { color: #fff; background: var(--bad); border-color: var(--bad); font-weight: 700; }
.meta { margin: 2px 0; color: var(--muted); }
footer { border-top: 1px solid var(--line); padding: 12px; max-width: 48rem; margin: 0 auto; font-size: 0.95rem; }
`;
