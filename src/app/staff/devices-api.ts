import type { DeviceDto, DeviceListResponse } from '../../domain/institution/institution-api.ts';
import type { EnrolledDeviceDto, EnrolmentCodeResponse } from '../../domain/staff/device-signature.ts';
import { api } from '../api-client.ts';

// Devices (P4, issue 12 #13 and #15): browsers that used the institution link, and the tablets
// the clinic enrolled. Shapes from domain/institution/institution-api.ts and domain/staff/device-signature.ts.

export const listDevices = () => api<DeviceListResponse>('/staff/devices');

/** Blocks a browser id that used the link (a lost tablet), or allows it again. */
export const changeDevice = (deviceId: string, change: 'revoke' | 'restore') =>
  api<{ device: DeviceDto }>(`/staff/devices/${encodeURIComponent(deviceId)}/${change}`, { method: 'POST' });

/** A one-time code a tablet enrols with (shown as a link and a QR code). */
export const createEnrolmentCode = () => api<EnrolmentCodeResponse>('/staff/devices/enrolment-codes', { method: 'POST' });

export const revokeEnrolledDevice = (keyId: string) =>
  api<{ device: EnrolledDeviceDto }>(`/staff/devices/enrolled/${encodeURIComponent(keyId)}/revoke`, { method: 'POST' });
