// The model editor: a plain textarea over two layers that show the same text — highlighted tokens beneath, and
// wavy underlines under diagnostic ranges. The textarea keeps native editing (undo, selection, IME); the layers
// follow its scroll.

import type { Highlighter } from "./highlight.js";

export interface Mark {
  /** Offsets into the text, [start, end). An empty range underlines one character. */
  readonly start: number;
  readonly end: number;
  readonly severity: "error" | "warning" | "note";
  readonly message: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

export class Editor {
  readonly textarea: HTMLTextAreaElement;
  private readonly tokens: HTMLElement;
  private readonly marks: HTMLElement;
  private current: readonly Mark[] = [];

  constructor(root: HTMLElement, private readonly highlighter: Highlighter, onChange: (text: string) => void) {
    root.classList.add("editor");
    root.innerHTML = `<pre class="layer tokens" aria-hidden="true"></pre><pre class="layer marks" aria-hidden="true"></pre>` +
      `<textarea id="source" spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off" aria-label="model source (.mconv)"></textarea>`;
    this.tokens = root.querySelector(".tokens")!;
    this.marks = root.querySelector(".marks")!;
    this.textarea = root.querySelector("textarea")!;
    this.textarea.addEventListener("input", () => {
      this.render();
      onChange(this.text);
    });
    this.textarea.addEventListener("scroll", () => this.syncScroll());
    this.textarea.addEventListener("keydown", (e) => {
      if (e.key !== "Tab" || e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      document.execCommand("insertText", false, "  ");
    });
  }

  get text(): string {
    return this.textarea.value;
  }

  set text(value: string) {
    this.textarea.value = value;
    this.current = [];
    this.render();
  }

  setMarks(marks: readonly Mark[]): void {
    this.current = marks;
    this.renderMarks();
  }

  /** Selects a range and brings it into view (from a click on a diagnostic). */
  select(start: number, end: number): void {
    this.textarea.focus();
    this.textarea.setSelectionRange(start, Math.max(end, start + 1));
    const line = this.text.slice(0, start).split("\n").length - 1;
    const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight) || 18;
    this.textarea.scrollTop = Math.max(0, line * lineHeight - this.textarea.clientHeight / 3);
    this.syncScroll();
  }

  private render(): void {
    // A trailing newline needs a character after it, or the layer is one line shorter than the textarea.
    this.tokens.innerHTML = this.highlighter.toHtml(this.text) + "\n ";
    this.renderMarks();
    this.syncScroll();
  }

  private renderMarks(): void {
    const text = this.text;
    const sorted = [...this.current].sort((a, b) => a.start - b.start);
    let html = "";
    let at = 0;
    for (const m of sorted) {
      const start = Math.max(at, Math.min(m.start, text.length));
      let end = Math.min(Math.max(m.end, start + 1), text.length);
      // An empty range or one at a line's end underlines a blank drawn for it.
      const blank = end <= start || text[start] === "\n";
      if (blank) end = start;
      html += escapeHtml(text.slice(at, start));
      const shown = blank ? " " : escapeHtml(text.slice(start, end));
      html += `<span class="mark ${m.severity}" title="${escapeHtml(m.message)}">${shown}</span>`;
      at = end;
    }
    this.marks.innerHTML = html + escapeHtml(text.slice(at)) + "\n ";
  }

  private syncScroll(): void {
    for (const layer of [this.tokens, this.marks]) {
      layer.scrollTop = this.textarea.scrollTop;
      layer.scrollLeft = this.textarea.scrollLeft;
    }
  }
}
