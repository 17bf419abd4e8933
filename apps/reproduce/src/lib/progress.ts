/** A progress line on stderr: `label  [#####.....]  42/100  eta 12 s`. Quiet when not a TTY. */
export class Progress {
  private done = 0;
  private readonly start = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    this.print(true);
  }

  /** Marks `n` more units of work as done. */
  tick(n = 1): void {
    this.done += n;
    this.print(this.done >= this.total);
  }

  private print(force: boolean): void {
    const now = Date.now();
    const tty = process.stderr.isTTY === true;
    // On a terminal redraw at most 4 times a second; in a log, write a line every 5 s.
    if (!force && now - this.lastPrint < (tty ? 250 : 5000)) return;
    this.lastPrint = now;
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const elapsed = (now - this.start) / 1000;
    const eta = frac > 0 && frac < 1 ? `  eta ${Math.round((elapsed / frac) * (1 - frac))} s` : '';
    const line = `${this.label}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]  ${this.done}/${this.total}  ${elapsed.toFixed(1)} s${eta}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${this.done >= this.total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  }
}
