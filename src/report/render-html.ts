/**
 * The report as one self-contained HTML file: the data as inline JSON, the viewer (built by
 * scripts/build-web.mjs, with dagre and the stylesheet in it) as an inline script, and a
 * Content-Security-Policy that allows nothing to be fetched, so opening it never touches the
 * network.
 */
import type { ReportData } from "./report-data.js";

/** JSON that can sit inside <script>: "<" never appears raw, so "</script>" cannot end it early. */
function inlineJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** `viewerScript` is dist/web/viewer.js. */
export function renderReportHtml(data: ReportData, viewerScript: string): string {
  // A script's text may not contain "</script"; the bundle is minified code and never needs it literally.
  const script = viewerScript.replace(/<\/script/gi, "<\\/script");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.model.name)} — myriadc report</title>
<style>body { margin: 0; }</style>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="myriadc-report">${inlineJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}
