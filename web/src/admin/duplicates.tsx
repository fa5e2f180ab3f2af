/** Badges admitted offline by one scanner after another had admitted them (GET …/checkins/duplicates). */
import { useSignal } from '@preact/signals';
import { pick } from '../lib/i18n.ts';
import { usePoll } from './poll.ts';
import { at } from './registrations.tsx';
import { call, eventPath } from './state.ts';
import { strings } from './strings.ts';

interface Duplicate {
  registrationId: string;
  name: string;
  place: string;
  scans: { deviceId: string; scannedAt: string; uploadedAt: string }[];
}

export function Duplicates({ eventId }: { eventId: string }) {
  const t = pick(strings);
  const items = useSignal<Duplicate[] | undefined>(undefined);
  usePoll(
    async () => {
      items.value = (await call<{ items: Duplicate[] }>(eventPath(eventId, '/checkins/duplicates'))).items;
    },
    30_000,
    [eventId],
  );
  return (
    <section aria-labelledby="duplicates-title">
      <h2 id="duplicates-title">{t.duplicates}</h2>
      {items.value && !items.value.length && <p>{t.noDuplicates}</p>}
      {items.value && items.value.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.place}</th>
                <th scope="col">{t.device}</th>
                <th scope="col">{t.scannedAt}</th>
                <th scope="col">{t.uploadedAt}</th>
              </tr>
            </thead>
            <tbody>
              {items.value.flatMap((d) =>
                d.scans.map((s, i) => (
                  <tr key={`${d.registrationId}-${d.place}-${i}`}>
                    {i === 0 && (
                      <>
                        <th scope="row" rowSpan={d.scans.length}>
                          {d.name}
                        </th>
                        <td rowSpan={d.scans.length}>{d.place === 'venue' ? t.venue : d.place}</td>
                      </>
                    )}
                    <td>{s.deviceId}</td>
                    <td>{at(s.scannedAt)}</td>
                    <td>{at(s.uploadedAt)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
