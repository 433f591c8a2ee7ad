import { useEffect, useState } from 'preact/hooks';
import type { EnrolledDeviceDto, EnrolmentCodeResponse } from '../../domain/staff/device-signature.ts';
import type { DeviceDto } from '../../domain/institution/institution-api.ts';
import type { ApiFailure } from '../api-client.ts';
import { deviceId } from '../device-id.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { QrCode } from '../reception/qr-code.tsx';
import { changeDevice, createEnrolmentCode, listDevices, revokeEnrolledDevice } from './devices-api.ts';
import { ListState } from './list-state.tsx';
import { sectionFailure } from './section-failure.ts';
import { DataTable } from './data-table.tsx';

/** A compact Japan-time instant (2026/11/22 14:13): the table stays within a desktop width. */
function shortInstant(iso: string, lang: 'ja' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(iso));
}

/** What staff can do to a browser device: its route's last segment. */
type Change = 'revoke' | 'restore';

/** Staff recognise a device by the start of its random id, as on the device's own screen. */
function shortId(id: string): string {
  return id.slice(0, 8);
}

/**
 * P4: devices that used the institution link recently; revoke a lost one (asks first). Issue 12
 * #13: a revoked one can be allowed again (asks too); its outbox then sends what it held back.
 */
export function DevicesSection() {
  const { t, lang } = useI18n();
  const [devices, setDevices] = useState<DeviceDto[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [confirming, setConfirming] = useState<{ device: DeviceDto; change: Change } | null>(null);
  const [done, setDone] = useState<{ device: string; change: Change } | null>(null);
  const [busy, setBusy] = useState(false);
  const [enrolled, setEnrolled] = useState<EnrolledDeviceDto[] | null>(null);
  const here = deviceId();

  useEffect(() => {
    void listDevices().then((r) => {
      if (!r.ok) return setFailure(r.failure);
      setDevices(r.data.devices);
      setEnrolled(r.data.enrolled);
    });
  }, []);

  async function apply(device: DeviceDto, change: Change) {
    setBusy(true);
    setFailure(null);
    const result = await changeDevice(device.deviceId, change);
    setBusy(false);
    setConfirming(null);
    if (result.ok) {
      setDevices((list) => list?.map((d) => (d.deviceId === device.deviceId ? result.data.device : d)) ?? null);
      setDone({ device: shortId(device.deviceId), change });
    } else setFailure(result.failure);
  }

  function ask(device: DeviceDto, change: Change) {
    setDone(null);
    setConfirming({ device, change });
  }

  const ua = (d: DeviceDto) => (d.userAgent === 'unknown' ? t('inst.devices.unknownUa') : d.userAgent.replaceAll('unknown', t('inst.devices.unknownUa')));

  return (
    <>
      <EnrolledDevices enrolled={enrolled} onRevoked={(device) => setEnrolled((list) => list?.map((d) => (d.keyId === device.keyId ? device : d)) ?? null)} />
      <section class="card devices" aria-labelledby="devices-intro">
        <p id="devices-intro">{t('inst.devices.intro')}</p>
        <p class="hint">{t('inst.devices.advisory')}</p>
        <ListState
          items={devices}
          failure={failure}
          done={done && t(done.change === 'revoke' ? 'inst.devices.done' : 'inst.devices.restored', { device: done.device })}
          empty={t('inst.devices.empty')}
        />
        {devices && devices.length > 0 && (
          <DataTable class="devices-table" columns={[t('inst.devices.device'), t('inst.devices.userAgent'), t('inst.devices.firstSeen'), t('inst.devices.lastSeen'), t('inst.devices.registrations'), t('inst.devices.status')]}>
            {devices.map((d) => (
              <tr key={d.deviceId} class={d.revokedAt ? 'revoked' : undefined}>
                <th scope="row">
                  <code>{shortId(d.deviceId)}</code>
                  {d.deviceId === here && <span class="badge">{t('inst.devices.thisDevice')}</span>}
                </th>
                <td>{ua(d)}</td>
                <td>{shortInstant(d.firstSeenAt, lang)}</td>
                <td>{shortInstant(d.lastSeenAt, lang)}</td>
                <td>{d.registrations}</td>
                <td>
                  {d.revokedAt ? (
                    <>
                      {t('inst.devices.revoked', { at: shortInstant(d.revokedAt, lang) })}{' '}
                      <button type="button" class="button small" onClick={() => ask(d, 'restore')} aria-label={`${t('inst.devices.restore')} ${shortId(d.deviceId)}`}>
                        {t('inst.devices.restore')}
                      </button>
                    </>
                  ) : (
                    <>
                      {t('inst.devices.active')}{' '}
                      <button type="button" class="button danger small" onClick={() => ask(d, 'revoke')} aria-label={`${t('inst.devices.revoke')} ${shortId(d.deviceId)}`}>
                        {t('inst.devices.revoke')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {confirming && (
          <div class="message warning" role="alertdialog" aria-labelledby="device-confirm">
            <p id="device-confirm">
              {t(confirming.change === 'revoke' ? 'inst.devices.confirm' : 'inst.devices.restoreConfirm', { device: shortId(confirming.device.deviceId), ua: ua(confirming.device) })}
            </p>
            <div class="button-row">
              <button
                type="button"
                class={confirming.change === 'revoke' ? 'button danger' : 'button primary'}
                disabled={busy}
                onClick={() => void apply(confirming.device, confirming.change)}
              >
                {t(confirming.change === 'revoke' ? 'inst.devices.yes' : 'inst.devices.restoreYes')}
              </button>
              <button type="button" class="button" disabled={busy} onClick={() => setConfirming(null)}>
                {t('inst.devices.no')}
              </button>
            </div>
          </div>
        )}
      </section>
    </>
  );
}

/**
 * Issue 12 #15: the clinic's enrolled tablets. A one-time code (QR and link) enrols one; blocking
 * one refuses its signatures, which clearing the tablet's storage cannot undo.
 */
function EnrolledDevices({ enrolled, onRevoked }: { enrolled: EnrolledDeviceDto[] | null; onRevoked: (device: EnrolledDeviceDto) => void }) {
  const { t, lang } = useI18n();
  const [code, setCode] = useState<EnrolmentCodeResponse | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [confirming, setConfirming] = useState<EnrolledDeviceDto | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = (d: EnrolledDeviceDto) => d.label || t('inst.devices.enrolled.noLabel');

  async function createCode() {
    setBusy(true);
    setFailure(null);
    setDone(null);
    const result = await createEnrolmentCode();
    setBusy(false);
    if (result.ok) setCode(result.data);
    else setFailure(result.failure);
  }

  async function revoke(device: EnrolledDeviceDto) {
    setBusy(true);
    setFailure(null);
    const result = await revokeEnrolledDevice(device.keyId);
    setBusy(false);
    setConfirming(null);
    if (result.ok) {
      onRevoked(result.data.device);
      setDone(name(device));
    } else setFailure(result.failure);
  }

  return (
    <section class="card devices enrolled-devices" aria-labelledby="enrolled-title">
      <h2 id="enrolled-title">{t('inst.devices.enrolled.title')}</h2>
      <p>{t('inst.devices.enrolled.intro')}</p>
      {failure && (
        <p class="message error" role="alert">
          {sectionFailure(t, failure)}
        </p>
      )}
      {done && (
        <p class="message success" role="status">
          {t('inst.devices.enrolled.done', { device: done })}
        </p>
      )}
      <div class="button-row">
        <button type="button" class="button primary" disabled={busy} onClick={() => void createCode()}>
          {t('inst.devices.enrol')}
        </button>
      </div>
      {code && (
        <div class="enrolment-code qr-card" role="status" aria-labelledby="enrolment-code-title">
          <h3 id="enrolment-code-title">{t('inst.devices.code.title')}</h3>
          <p class="enrolment-code-value">
            <code>{code.code}</code>
          </p>
          <QrCode value={code.link} label={t('inst.devices.code.qr')} size={200} />
          <p>{t('inst.devices.code.body', { at: shortInstant(code.expiresAt, lang) })}</p>
          <p class="hint">
            {t('inst.devices.code.link')}: <a href={code.link}>{code.link}</a>
          </p>
        </div>
      )}
      {enrolled === null && !failure && <p role="status">{t('staff.loading')}</p>}
      {enrolled && enrolled.length === 0 && <p>{t('inst.devices.enrolled.empty')}</p>}
      {enrolled && enrolled.length > 0 && (
        <DataTable class="devices-table" columns={[t('inst.devices.enrolled.name'), t('inst.devices.enrolled.enrolledAt'), t('inst.devices.enrolled.lastSeen'), t('inst.devices.status')]}>
          {enrolled.map((d) => (
            <tr key={d.keyId} class={d.revokedAt ? 'revoked' : undefined}>
              <th scope="row">{name(d)}</th>
              <td>{shortInstant(d.enrolledAt, lang)}</td>
              <td>{d.lastSeenAt ? shortInstant(d.lastSeenAt, lang) : t('inst.devices.enrolled.never')}</td>
              <td>
                {d.revokedAt ? (
                  t('inst.devices.revoked', { at: shortInstant(d.revokedAt, lang) })
                ) : (
                  <>
                    {t('inst.devices.active')}{' '}
                    <button type="button" class="button danger small" onClick={() => { setDone(null); setConfirming(d); }} aria-label={`${t('inst.devices.revoke')} ${name(d)}`}>
                      {t('inst.devices.revoke')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {confirming && (
        <div class="message warning" role="alertdialog" aria-labelledby="enrolled-confirm">
          <p id="enrolled-confirm">{t('inst.devices.enrolled.confirm', { device: name(confirming) })}</p>
          <div class="button-row">
            <button type="button" class="button danger" disabled={busy} onClick={() => void revoke(confirming)}>
              {t('inst.devices.yes')}
            </button>
            <button type="button" class="button" disabled={busy} onClick={() => setConfirming(null)}>
              {t('inst.devices.no')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
