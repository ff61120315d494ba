/** Where the run writes: the terminal (or a pipe, a log). */
export interface Output {
  write(text: string): void;
  /** A terminal: the table is redrawn in place. */
  isTTY: boolean;
  /** The terminal's width, to keep a redrawn line from wrapping. */
  columns?: number;
}

/**
 * The live table. On a terminal it is redrawn in place (the cursor moved up over the last
 * drawing, which is cleared), with notes printed above it; elsewhere (a pipe, a pod's log)
 * each interval's table is printed after the previous one.
 */
export class LiveView {
  /** Lines of the table on the screen now (terminal only). */
  private drawn = 0;
  private last: string[] = [];

  constructor(private readonly out: Output) {}

  show(lines: readonly string[]): void {
    this.last = [...lines];
    if (!this.out.isTTY) {
      this.out.write(`${lines.join('\n')}\n\n`);
      return;
    }
    this.erase();
    const width = this.out.columns;
    const fitted = width ? lines.map((line) => line.slice(0, Math.max(1, width - 1))) : lines;
    this.out.write(fitted.map((line) => `${line}\n`).join(''));
    this.drawn = fitted.length;
  }

  /** A line of its own above the table (which is drawn again below it). */
  note(text: string): void {
    if (!this.out.isTTY) {
      this.out.write(`${text}\n`);
      return;
    }
    this.erase();
    this.out.write(`${text}\n`);
    if (this.last.length > 0) this.show(this.last);
  }

  /** Leaves the last table on the screen; what follows is written below it. */
  finish(): void {
    this.drawn = 0;
    this.last = [];
  }

  private erase(): void {
    // CSI n F: up n lines, to column 1; CSI 0 J: clear to the end of the screen.
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[0J`);
    this.drawn = 0;
  }
}
