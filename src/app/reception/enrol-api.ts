import type { DeviceEnrolmentRequest, DeviceEnrolmentResponse } from '../../domain/staff/device-signature.ts';
import { api, type ApiResult } from '../api-client.ts';
import { keepEnrolment, newDeviceKey } from '../device-key.ts';

// Issue 12 #15: a clinic tablet enrols at `/i/<token>/enrol` with a one-time code from the staff
// console. Kept apart from device-key.ts, which api-client.ts loads to sign requests: the key
// module itself never calls the server.

/** Enrols this device at the institution of `linkToken` with a code staff created. */
export async function enrolThisDevice(linkToken: string, code: string, label: string): Promise<ApiResult<DeviceEnrolmentResponse>> {
  const key = await newDeviceKey();
  if (!key) return { ok: false, failure: { kind: 'network' } };
  const body: DeviceEnrolmentRequest = { linkToken, code, label, publicKey: key.publicKey };
  const result = await api<DeviceEnrolmentResponse>('/public/device-enrolments', { method: 'POST', body });
  if (result.ok) {
    await keepEnrolment({
      keyId: result.data.keyId,
      privateKey: key.privateKey,
      institutionName: result.data.institutionName,
      label: result.data.label,
      enrolledAt: result.data.enrolledAt,
    });
  }
  return result;
}
