/**
 * Entry of the report file: reads the report data inlined in the page and draws it. Bundled
 * (with dagre and the stylesheet) into dist/web/viewer.js by scripts/build-web.mjs.
 */
import type { ReportData } from "../../src/report/report-data.js";
import css from "./viewer.css";
import { mountViewer } from "./viewer.js";

const style = document.createElement("style");
style.textContent = css;
document.head.append(style);
const json = document.getElementById("myriadc-report")?.textContent ?? "";
const root = document.getElementById("app") ?? document.body;
mountViewer(root, JSON.parse(json) as ReportData);
