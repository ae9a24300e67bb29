// The playground's panels as DOM: the diagnostics list, the mask grids and the outputs. Plain DOM building, no
// framework; text goes in through textContent, never as HTML.

import { type Diagnostic, formatDiagnostic, lineCol } from "../../src/diagnostics.js";
import type { MaskView } from "./masks.js";
import type { OutputTensor } from "./run.js";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** One item per diagnostic: `line:col severity CODE: message`, the caret snippet on hover, click to select. */
export function renderDiagnostics(list: HTMLElement, diagnostics: readonly Diagnostic[], select: (start: number, end: number) => void): void {
  list.replaceChildren();
  for (const d of diagnostics) {
    const where = d.span ? lineCol(d.span.source, d.span.start) : undefined;
    const item = el("li", { class: `diagnostic ${d.severity}`, "data-code": d.code });
    item.append(el("span", { class: "where" }, where ? `${where.line}:${where.col}` : "—"), " ");
    item.append(el("span", { class: "severity" }, d.severity), " ", el("span", { class: "code" }, d.code), ": ");
    item.append(el("span", { class: "message" }, d.message));
    for (const n of d.notes) item.append(el("div", { class: "note" }, `note: ${n.message}`));
    item.title = formatDiagnostic(d);
    if (d.span) {
      const { start, end } = d.span;
      item.tabIndex = 0;
      item.addEventListener("click", () => select(start, end));
      item.addEventListener("keydown", (e) => e.key === "Enter" && select(start, end));
    }
    list.append(item);
  }
}

function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.join(", ")}]`;
}

/** A grid per masked layer: live taps dark, zero taps light, partly live taps (channel masks) shaded. */
export function renderMasks(root: HTMLElement, masks: readonly MaskView[]): void {
  root.replaceChildren();
  if (masks.length === 0) root.append(el("p", { class: "empty" }, "This model multiplies no kernel by a mask."));
  for (const m of masks) {
    const figure = el("figure", { class: `mask ${m.kind}`, "data-layer": m.layer, "data-mask": m.mask });
    const live = m.taps.filter((t) => t.live > 0).length;
    const values = m.taps.reduce((n, t) => n + t.total, 0);
    const liveValues = m.taps.reduce((n, t) => n + t.live, 0);
    const caption =
      m.kind === "dynamic"
        ? `${m.layer}: mask %${m.mask} ${shapeText(m.shape)}, fed with each call`
        : `${m.layer}: mask %${m.mask} ${shapeText(m.shape)}, ${live} of ${m.taps.length} taps live` +
          (values > m.taps.length ? ` (${liveValues} of ${values} values)` : "");
    figure.append(el("figcaption", {}, caption));
    if (m.kind === "static") {
      const grid = el("div", { class: "grid", role: "grid" });
      grid.style.gridTemplateColumns = `repeat(${m.cols}, var(--tap))`;
      m.taps.forEach((t, i) => {
        const state = t.live === 0 ? "zero" : t.live === t.total ? "live" : "partial";
        const cell = el("div", { class: `tap ${state}`, role: "gridcell", "data-row": String(Math.floor(i / m.cols)), "data-col": String(i % m.cols) });
        if (t.total > 1) {
          // Shaded by the live share; the counts are in the tooltip (they do not fit a cell).
          cell.title = `${t.live} of ${t.total} channel pairs live`;
          cell.style.setProperty("--fill", String(t.live / t.total));
        } else {
          cell.title = `value ${t.value}`;
          if (t.value !== 0 && t.value !== 1) cell.textContent = String(Number(t.value!.toPrecision(2)));
        }
        grid.append(cell);
      });
      figure.append(grid);
    }
    root.append(figure);
  }
}

/** Seven significant digits: a float32 shown without noise, integers as integers. */
export function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7)));
}

const SHOWN = 512;

/** Each output: name, shape, min / max / mean, then its first values row-major, eight per line. */
export function renderOutputs(root: HTMLElement, outputs: Readonly<Record<string, OutputTensor>>): void {
  root.replaceChildren();
  for (const [name, t] of Object.entries(outputs)) {
    const n = t.data.length;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = t.data[i]!;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    const section = el("section", { class: "output", "data-name": name, "data-shape": JSON.stringify(t.shape) });
    const stats = n > 0 ? `min ${formatValue(min)}, max ${formatValue(max)}, mean ${formatValue(sum / n)}` : "no values";
    section.append(el("h3", {}, `${name}: f32${shapeText(t.shape)} — ${stats}`));
    const lines: string[] = [];
    for (let i = 0; i < Math.min(n, SHOWN); i += 8) {
      lines.push(Array.from(Array.prototype.slice.call(t.data, i, Math.min(i + 8, n, SHOWN)) as number[], formatValue).join(", "));
    }
    const values = el("pre", { class: "values" }, lines.join(",\n"));
    section.append(values);
    if (n > SHOWN) section.append(el("p", { class: "more" }, `… and ${n - SHOWN} more values`));
    root.append(section);
  }
}
