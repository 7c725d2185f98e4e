import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr, only when a person is watching (stderr is a TTY); otherwise silent. */
export function progressBar(label: string, total: number, unit = ''): { update(n: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total}${unit}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n) => bar.update(Math.min(n, total)), stop: () => bar.stop() };
}

/** Ticks a bar once a second for @seconds while @work runs. */
export async function withTimedProgress<T>(label: string, seconds: number, work: Promise<T>): Promise<T> {
  const bar = progressBar(label, seconds, ' s');
  const started = Date.now();
  const timer = setInterval(() => bar.update(Math.floor((Date.now() - started) / 1000)), 250);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}
