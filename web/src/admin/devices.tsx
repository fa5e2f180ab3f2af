/**
 * Door scanners: create one with its places, show its pairing QR (the scanner's deep link) and
 * the code to type at once, pair again, revoke; when each was paired and last seen.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import QRCode from 'qrcode';
import { ApiError } from '../lib/api.ts';
import { lang, pick } from '../lib/i18n.ts';
import type { PublicEvent } from '../lib/types.ts';
import { at } from './registrations.tsx';
import { call, eventPath, placesOf } from './state.ts';
import { strings } from './strings.ts';

interface Device {
  id: string;
  name: string;
  places?: string[] | null;
  createdAt: string;
  pairedAt: string | null;
  lastSeenAt: string | null;
  revokedAt: string | null;
}
interface Pairing {
  code: string;
  url: string;
  expiresAt: string;
}

export function Devices({ eventId, event }: { eventId: string; event: PublicEvent | undefined }) {
  const t = pick(strings);
  const devices = useSignal<Device[] | undefined>(undefined);
  const pairings = useSignal<Record<string, Pairing>>({});
  const message = useSignal('');
  const creating = useSignal(false);
  const load = async () => {
    try {
      devices.value = (await call<{ items: Device[] }>(eventPath(eventId, '/devices?limit=100'))).items;
    } catch {
      message.value = t.unreachable;
    }
  };
  useEffect(() => {
    void load();
  }, [eventId]);
  const shown = (device: Device & { pairing: Pairing }) => {
    const { pairing, ...rest } = device;
    pairings.value = { ...pairings.value, [device.id]: pairing };
    const list = (devices.value ?? []).filter((d) => d.id !== device.id);
    devices.value = [rest, ...list];
  };
  const failed = (e: unknown) => (message.value = e instanceof ApiError ? (e.problem.detail ?? e.problem.title) : t.unreachable);
  const create = async (form: HTMLFormElement) => {
    if (creating.value) return;
    const data = new FormData(form);
    const places = data.getAll('places').map(String);
    creating.value = true;
    message.value = '';
    try {
      shown(
        await call<Device & { pairing: Pairing }>(eventPath(eventId, '/devices'), {
          method: 'POST',
          body: { name: String(data.get('name') ?? '').trim(), ...(places.length ? { places } : {}) },
        }),
      );
      form.reset();
    } catch (e) {
      failed(e);
    } finally {
      creating.value = false;
    }
  };
  const repair = async (d: Device) => {
    try {
      shown(
        await call<Device & { pairing: Pairing }>(eventPath(eventId, `/devices/${encodeURIComponent(d.id)}/pairing`), { method: 'POST' }),
      );
    } catch (e) {
      failed(e);
    }
  };
  const revoke = async (d: Device) => {
    try {
      const done = await call<Device>(eventPath(eventId, `/devices/${encodeURIComponent(d.id)}`), { method: 'DELETE' });
      devices.value = (devices.value ?? []).map((x) => (x.id === d.id ? done : x));
      const { [d.id]: _, ...rest } = pairings.value;
      pairings.value = rest;
    } catch (e) {
      failed(e);
    }
  };
  const placeName = (p: string) => {
    if (p === 'venue') return t.venue;
    const s = event?.sessions.find((x) => x.id === p);
    return s ? s.name[lang.value] || s.name.en : p;
  };
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">{t.devices}</h2>
      <form
        data-form="device"
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void create(e.currentTarget);
        }}
      >
        <h3>{t.newDevice}</h3>
        <label>
          {t.deviceName}
          <input name="name" required maxLength={100} autoComplete="off" />
        </label>
        <fieldset>
          <legend>{t.places}</legend>
          {placesOf(event).map((p) => (
            <label key={p} class="check">
              <input type="checkbox" name="places" value={p} /> {placeName(p)}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={creating.value}>
          {t.create}
        </button>
      </form>
      {message.value && <p role="alert">{message.value}</p>}
      {devices.value && !devices.value.length && <p>{t.noDevices}</p>}
      <ul class="rows">
        {devices.value?.map((d) => (
          <li key={d.id} data-device={d.id}>
            <p>
              <strong>{d.name}</strong> · {d.places?.length ? d.places.map(placeName).join(', ') : t.allPlaces}
            </p>
            <p class="muted">
              {t.paired}: {at(d.pairedAt)} · {t.lastSeen}: {at(d.lastSeenAt)}
              {d.revokedAt && (
                <>
                  {' '}
                  · <strong data-revoked>{t.revoked}</strong> {at(d.revokedAt)}
                </>
              )}
            </p>
            {pairings.value[d.id] && <PairingCode deviceId={d.id} pairing={pairings.value[d.id]!} />}
            {!d.revokedAt && (
              <div class="actions">
                <button type="button" data-action="re-pair" onClick={() => repair(d)}>
                  {t.repair}
                </button>
                <RevokeButton onRevoke={() => revoke(d)} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RevokeButton({ onRevoke }: { onRevoke: () => void }) {
  const t = pick(strings);
  const asking = useSignal(false);
  if (!asking.value)
    return (
      <button type="button" class="danger" data-action="revoke" onClick={() => (asking.value = true)}>
        {t.revoke}
      </button>
    );
  return (
    <span>
      {t.confirmRevoke}{' '}
      <button type="button" class="danger" data-action="confirm-revoke" onClick={onRevoke}>
        {t.revoke}
      </button>{' '}
      <button type="button" onClick={() => (asking.value = false)}>
        {t.no}
      </button>
    </span>
  );
}

function PairingCode({ deviceId, pairing }: { deviceId: string; pairing: Pairing }) {
  const t = pick(strings);
  const src = useSignal('');
  useEffect(() => {
    // The deep link as a QR code; margin and module size so a phone reads it off a laptop screen.
    QRCode.toDataURL(pairing.url, { errorCorrectionLevel: 'M', margin: 4, scale: 6 }).then((url) => (src.value = url));
  }, [pairing.url]);
  return (
    <div class="pairing" data-pairing={deviceId}>
      <p>{t.pairingHelp}</p>
      {src.value && <img src={src.value} alt={`${t.pairing}: ${pairing.url}`} />}
      <p>
        {t.pairingCode}: <code data-pairing-code>{pairing.code}</code>
      </p>
      <p class="muted">
        {t.expires}: {at(pairing.expiresAt)}
      </p>
    </div>
  );
}
