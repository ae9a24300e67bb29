// Mask and receptive-field pictures as image files: PNG (encoded by pngjs) and SVG. The same layout as the
// terminal art: a section per mask (panels of channel groups side by side), or one field. Names are XML-escaped.

import { PNG } from "pngjs";
import type { Field } from "./field.js";
import type { MaskView } from "./masks.js";

type Cell = "live" | "zero" | "here" | "here-live";

interface Section {
  readonly title: string;
  /** Top-left cell of the section's first row of cells (below its title). */
  readonly top: number;
  readonly cells: { x: number; y: number; cell: Cell }[];
}

interface Layout {
  readonly width: number;
  readonly height: number;
  readonly sections: readonly Section[];
}

/** Masks stacked top to bottom; each mask's panels in its table of input (down) and output (across) groups. */
export function maskLayout(masks: readonly MaskView[]): Layout {
  const sections: Section[] = [];
  let top = 0;
  let width = 1;
  for (const m of masks) {
    const cells: Section["cells"] = [];
    const { height: h, width: w } = m.panels[0]!.grid;
    m.panels.forEach((p, k) => {
      const x0 = (k % m.columns.length) * (w + 1);
      const y0 = top + Math.floor(k / m.columns.length) * (h + 1);
      p.grid.live.forEach((live, t) => cells.push({ x: x0 + (t % w), y: y0 + Math.floor(t / w), cell: live ? "live" : "zero" }));
    });
    width = Math.max(width, m.columns.length * (w + 1) - 1);
    sections.push({ title: `${m.name} [${m.shape.join(", ")}]: ${m.role}`, top, cells });
    top += m.rows.length * (h + 1) + 2;
  }
  return { width, height: Math.max(1, top - 2), sections };
}

export function fieldLayout(f: Field): Layout {
  const cells: Section["cells"] = f.reach.map((live, t) => {
    const [x, y] = [t % f.width, Math.floor(t / f.width)];
    const here = y === f.pixel[0] && x === f.pixel[1];
    return { x, y, cell: here ? (live ? "here-live" : "here") : live ? "live" : "zero" };
  });
  const title = `pixels of ${f.input} that can influence ${f.output} at row ${f.pixel[0]}, column ${f.pixel[1]}`;
  return { width: f.width, height: f.height, sections: [{ title, top: 0, cells }] };
}

const COLOURS: Record<Cell, readonly [number, number, number]> = {
  live: [40, 40, 40],
  zero: [228, 228, 228],
  here: [214, 48, 49],
  "here-live": [140, 20, 20],
};
const CELL = 12;
const GAP = 1;

export function toPng(layout: Layout): Buffer {
  const png = new PNG({ width: layout.width * CELL, height: layout.height * CELL });
  png.data.fill(255);
  for (const s of layout.sections) {
    for (const { x, y, cell } of s.cells) {
      const [r, g, b] = COLOURS[cell];
      for (let py = y * CELL; py < (y + 1) * CELL - GAP; py++) {
        for (let px = x * CELL; px < (x + 1) * CELL - GAP; px++) {
          const i = (py * png.width + px) * 4;
          png.data[i] = r;
          png.data[i + 1] = g;
          png.data[i + 2] = b;
          png.data[i + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}

/** Text for XML content and attributes; control characters (not allowed in XML 1.0) become '?'. */
export function xmlText(text: string): string {
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "?").replace(/[&<>"']/g, (c) => entities[c]!);
}

const TITLE = 18;

export function toSvg(layout: Layout): string {
  const offset = (s: Section, k: number) => (k + 1) * TITLE + s.top * CELL;
  const height = layout.height * CELL + layout.sections.length * TITLE;
  const width = Math.max(layout.width * CELL, 320);
  const hex = (c: Cell) => `#${COLOURS[c].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`,
  ];
  layout.sections.forEach((s, k) => {
    lines.push(`  <g>`, `    <title>${xmlText(s.title)}</title>`, `    <text x="0" y="${offset(s, k) - 5}">${xmlText(s.title)}</text>`);
    for (const { x, y, cell } of s.cells) {
      lines.push(`    <rect x="${x * CELL}" y="${offset(s, k) + (y - s.top) * CELL}" width="${CELL - GAP}" height="${CELL - GAP}" fill="${hex(cell)}"/>`);
    }
    lines.push("  </g>");
  });
  lines.push("</svg>");
  return lines.join("\n") + "\n";
}
