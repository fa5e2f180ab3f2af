/** The attendance timeline from its 5-minute bucket counters (domain/timeline.ts). */
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '#domain/event';
import { MAX_TIMELINE_POINTS, timelineBucketOf, timelineView } from '#domain/timeline';

const event = (startsAt: string, endsAt: string) => ({ startsAt, endsAt, sessions: [{ id: 'bio' }] }) as unknown as StoredEvent;

describe('attendance timeline', () => {
  it('15-minute buckets sum the 5-minute ones, aligned in UTC; inside is the running sum at each end; every place listed', () => {
    const view = timelineView(
      event('2027-09-14T00:20:00.000Z', '2027-09-14T09:00:00.000Z'),
      [
        { bucket: '2027-09-14T00:05:00.000Z', counts: { in_venue: 3, in_s_bio: 1 } },
        { bucket: '2027-09-14T00:10:00.000Z', counts: { in_venue: 2, out_venue: 1 } },
        { bucket: '2027-09-14T00:30:00.000Z', counts: { out_venue: 4, out_s_bio: 1 } },
      ],
      '15m',
      new Date('2027-09-14T00:50:00.000Z'),
    );
    expect(view.places.map((p) => p.place)).toEqual(['venue', 'bio']);
    expect(view.places[0]!.points).toEqual([
      { at: '2027-09-14T00:00:00.000Z', in: 5, out: 1, inside: 4 },
      { at: '2027-09-14T00:15:00.000Z', in: 0, out: 0, inside: 4 },
      { at: '2027-09-14T00:30:00.000Z', in: 0, out: 4, inside: 0 },
      { at: '2027-09-14T00:45:00.000Z', in: 0, out: 0, inside: 0 },
    ]);
    expect(view.places[1]!.points.map((p) => p.inside)).toEqual([1, 1, 0, 0]);
  });

  it('from the event start when it comes before the first scan; no scans and a start still ahead: no points yet', () => {
    const e = event('2027-09-14T00:00:00.000Z', '2027-09-14T09:00:00.000Z');
    const now = new Date('2027-09-14T01:02:00.000Z');
    const points = timelineView(e, [], '60m', now).places[0]!.points;
    expect(points).toEqual([
      { at: '2027-09-14T00:00:00.000Z', in: 0, out: 0, inside: 0 },
      { at: '2027-09-14T01:00:00.000Z', in: 0, out: 0, inside: 0 },
    ]);
    expect(timelineView(e, [], '5m', new Date('2027-09-13T00:00:00.000Z')).places[0]!.points).toEqual([]);
  });

  it('an event long over stops at the later of its end and its last scan; a range still too long asks for a larger bucket', () => {
    const e = event('2023-09-14T00:00:00.000Z', '2023-09-14T09:00:00.000Z');
    const now = new Date('2026-12-01T00:00:00.000Z');
    const fine = [{ bucket: '2023-09-14T10:00:00.000Z', counts: { in_venue: 1 } }];
    const points = timelineView(e, fine, '5m', now).places[0]!.points;
    expect(points.at(-1)!.at).toBe('2023-09-14T10:00:00.000Z');
    expect(points.length).toBe(121);
    const long = event('2023-09-01T00:00:00.000Z', '2023-09-30T00:00:00.000Z');
    expect(() => timelineView(long, [], '5m', now)).toThrow(expect.objectContaining({ status: 422, code: 'validation_failed' }));
    expect(timelineView(long, [], '60m', now).places[0]!.points.length).toBeLessThanOrEqual(MAX_TIMELINE_POINTS);
  });

  it('5m, 15m, 60m (5m when absent); anything else → 422 on bucket', () => {
    expect(['5m', '15m', '60m', undefined].map(timelineBucketOf)).toEqual(['5m', '15m', '60m', '5m']);
    for (const b of ['10m', '1h', '', 'constructor', '__proto__'])
      expect(() => timelineBucketOf(b)).toThrow(
        expect.objectContaining({ status: 422, options: { errors: [expect.objectContaining({ path: 'bucket' })] } }),
      );
  });
});
