import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/browser';
import type { LoginRequest, StaffMeResponse } from '../../domain/shared/api.ts';
import type { LoginStepResponse, MyFactorsResponse, PendingLoginResponse, RecoveryCodesResponse, TotpEnrolmentStart } from '../../domain/staff/staff-auth.ts';
import { api } from '../api-client.ts';

// Staff sign-in and the session (P3, P4): the password, the second factors, enrolment of a
// factor, the idle lock, and who is signed in. Shapes from domain/staff/staff-auth.ts.

/** Who is signed in, with the role's permissions; 401 `second_factor_required` mid-login. */
export const loadMe = () => api<StaffMeResponse>('/staff/me');

/** The step a half-finished login (password given, no second factor yet) continues at. */
export const pendingLogin = () => api<PendingLoginResponse>('/staff/auth/pending');

export const login = (request: LoginRequest) => api<LoginStepResponse>('/staff/login', { method: 'POST', body: request });

export const logout = () => api<unknown>('/staff/logout', { method: 'POST' });

// Second factor at login.
export const passkeySignInOptions = () => api<PublicKeyCredentialRequestOptionsJSON>('/staff/auth/passkey/options', { method: 'POST' });

export const passkeySignInVerify = (response: AuthenticationResponseJSON) => api<unknown>('/staff/auth/passkey/verify', { method: 'POST', body: { response } });

export const verifyCode = (mode: 'totp' | 'recovery', code: string) =>
  api<unknown>(mode === 'totp' ? '/staff/auth/totp' : '/staff/auth/recovery', { method: 'POST', body: { code } });

// Enrolment of a factor: forced after the first password, or from 「セキュリティ」.
export const passkeyEnrolOptions = () => api<PublicKeyCredentialCreationOptionsJSON>('/staff/auth/enrol/passkey/options', { method: 'POST' });

export const passkeyEnrolVerify = (response: RegistrationResponseJSON) => api<RecoveryCodesResponse>('/staff/auth/enrol/passkey/verify', { method: 'POST', body: { response } });

export const totpEnrolStart = () => api<TotpEnrolmentStart>('/staff/auth/enrol/totp/start', { method: 'POST' });

export const totpEnrolFinish = (code: string) => api<RecoveryCodesResponse>('/staff/auth/enrol/totp/finish', { method: 'POST', body: { code } });

// 「セキュリティ」: the signed-in person's own factors.
export const myFactors = () => api<MyFactorsResponse>('/staff/auth/factors');

export const newRecoveryCodes = () => api<RecoveryCodesResponse>('/staff/auth/recovery-codes', { method: 'POST' });

// The idle lock (P4, issue 12 #10).
/** Tells the server someone is reading or typing, so its idle clock restarts. */
export const signalActivity = () => api<unknown>('/staff/activity', { method: 'POST' });

export const lockSession = () => api<unknown>('/staff/auth/lock', { method: 'POST' });

export const unlockSession = (password: string) => api<unknown>('/staff/auth/unlock', { method: 'POST', body: { password } });
