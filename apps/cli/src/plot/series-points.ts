/**
 * A series' points as rates: each bucket's calls over the time it covers. The last bucket usually
 * ends after the data does (the run is still going, or stopped mid-bucket): divided by the whole
 * bucket it would draw a cliff that never happened. Its rate is over the time it covers instead,
 * its point placed at the data's end; a sliver (under a tenth of a bucket) is left out.
 */

export interface SeriesTimes {
  /** Start of the first bucket (unix ms). */
  start: number;
  bucketMs: number;
  /** The last snapshot the series holds (unix ms); 0 when unknown: every bucket taken as whole. */
  lastUnixMs: number;
}

/** [where the point goes (unix ms), seconds its bucket covers] per bucket; a left-out last bucket has none. */
export function bucketSpans(t: SeriesTimes, buckets: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < buckets; i++) {
    const from = t.start + i * t.bucketMs;
    const end = from + t.bucketMs;
    const to = i === buckets - 1 && t.lastUnixMs > from && t.lastUnixMs < end ? t.lastUnixMs : end;
    if (to - from < t.bucketMs / 10) continue;
    spans.push([to, (to - from) / 1000]);
  }
  return spans;
}

/** Points [unix ms, calls per second] of one line's @counts. */
export function ratePoints(t: SeriesTimes, counts: Array<bigint | number>): Array<[number, number]> {
  const spans = bucketSpans(t, counts.length);
  // Only the last bucket can be left out: the spans are the first buckets, in order.
  return spans.map(([at, seconds], i) => [at, Number(counts[i]) / seconds]);
}

/** Whether the last bucket is partial (drawn over the time it covers, or left out). */
export function lastBucketPartial(t: SeriesTimes, buckets: number): boolean {
  const lastEnd = t.start + buckets * t.bucketMs;
  return t.lastUnixMs > 0 && t.lastUnixMs < lastEnd;
}
